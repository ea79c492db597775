/**
 * The reader side of vpcd, for our own tools (conformance `--listen`, the bench): listens on a
 * loopback port like pcscd's vpcd driver does, waits for a virtual card — ours or a third
 * party's such as vsmartcard's `vicc` — to connect, and hands it out as a CardConnection.
 * Connecting powers the card on and reads its ATR, as pcscd does when a card appears.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { CardConnectionError, type CardConnection } from './card-connection.js';
import { VPCD_DEFAULT_PORT, VpcdFrameDecoder, VpcdProtocolError, encodeVpcdApdu, encodeVpcdControl } from './vpcd-protocol.js';

export interface VpcdReaderListenerOptions {
  /** 127.0.0.1 unless told; another address must be loopback unless `allowNonLoopback`. */
  readonly host?: string;
  /** 35963 unless told; 0 picks a free port (see `port` on the result). */
  readonly port?: number;
  readonly allowNonLoopback?: boolean;
  /** How long one exchange (APDU, ATR) may take before the connection is declared dead. */
  readonly exchangeTimeoutMs?: number;
}

export interface VpcdReaderListener {
  readonly host: string;
  /** The port actually bound. */
  readonly port: number;
  /** The next card to connect (one already waiting is returned at once), powered on, ATR read. */
  acceptCard(options?: { readonly timeoutMs?: number }): Promise<CardConnection>;
  /** Stops listening and closes every card connection it handed out. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/u;

export async function listenForVpcdCards(options: VpcdReaderListenerOptions = {}): Promise<VpcdReaderListener> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host) && options.allowNonLoopback !== true) {
    throw new CardConnectionError(`refusing to listen for virtual cards on ${host}: not a loopback address (a card's PINs and signatures would be reachable from the network)`);
  }
  const exchangeTimeoutMs = options.exchangeTimeoutMs ?? 60_000;
  const arrived: Socket[] = [];
  const waiting: ((socket: Socket) => void)[] = [];
  const open = new Set<VpcdCardConnection>();
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const next = waiting.shift();
    if (next !== undefined) next(socket);
    else {
      arrived.push(socket);
      socket.once('close', () => {
        const index = arrived.indexOf(socket);
        if (index >= 0) arrived.splice(index, 1);
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new CardConnectionError(`cannot listen for virtual cards on ${host}:${options.port ?? VPCD_DEFAULT_PORT}: ${error.message}`, { cause: error })));
    server.listen(options.port ?? VPCD_DEFAULT_PORT, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const nextSocket = (timeoutMs: number | undefined): Promise<Socket> => {
    const ready = arrived.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<Socket>((resolve, reject) => {
      const take = (socket: Socket): void => {
        if (timer !== undefined) clearTimeout(timer);
        resolve(socket);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const index = waiting.indexOf(take);
              if (index >= 0) waiting.splice(index, 1);
              reject(new CardConnectionError(`no virtual card connected to ${host}:${port} within ${timeoutMs} ms`));
            }, timeoutMs);
      waiting.push(take);
    });
  };

  return {
    host,
    port,
    async acceptCard(acceptOptions = {}) {
      const socket = await nextSocket(acceptOptions.timeoutMs);
      const connection = new VpcdCardConnection(socket, exchangeTimeoutMs, `${host}:${port}`);
      open.add(connection);
      socket.once('close', () => open.delete(connection));
      await connection.start();
      return connection;
    },
    async close() {
      await Promise.all([...open].map((connection) => connection.close()));
      for (const socket of arrived.splice(0)) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Listens, takes the first card that connects, and stops listening when that card is closed. */
export async function waitForVpcdCard(options: VpcdReaderListenerOptions & { readonly timeoutMs?: number } = {}): Promise<CardConnection> {
  const listener = await listenForVpcdCards(options);
  let card: CardConnection;
  try {
    card = await listener.acceptCard(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
  } catch (error) {
    await listener.close();
    throw error;
  }
  return {
    get atr() {
      return card.atr;
    },
    transmit: (command) => card.transmit(command),
    reset: () => card.reset(),
    close: () => listener.close(),
  };
}

/** One card on one socket. Exchanges are serialized: vpcd has no way to pair answers with questions but order. */
class VpcdCardConnection implements CardConnection {
  #atr: Uint8Array = new Uint8Array(0);
  readonly #socket: Socket;
  readonly #decoder = new VpcdFrameDecoder();
  readonly #timeoutMs: number;
  readonly #where: string;
  #pending: { resolve: (payload: Uint8Array) => void; reject: (error: Error) => void; timer: NodeJS.Timeout } | undefined;
  #failure: CardConnectionError | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(socket: Socket, timeoutMs: number, where: string) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    this.#where = where;
    socket.on('data', (chunk: Buffer) => {
      let payloads: Uint8Array[];
      try {
        payloads = this.#decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      } catch (error) {
        this.#fail(error instanceof CardConnectionError ? error : new CardConnectionError(String(error)));
        return;
      }
      for (const payload of payloads) this.#receive(payload);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      let reason = `the virtual card at ${where} disconnected`;
      try {
        this.#decoder.end();
      } catch (error) {
        reason = `${reason}: ${(error as Error).message}`;
      }
      this.#fail(new CardConnectionError(reason));
    });
  }

  get atr(): Uint8Array {
    return this.#atr;
  }

  async start(): Promise<void> {
    await this.reset('powerOn');
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    return this.#serialized(async () => {
      const frame = encodeVpcdApdu(command);
      const response = await this.#exchange(frame, 'the response APDU');
      if (response.length < 2) {
        throw this.#fail(new CardConnectionError(`the virtual card at ${this.#where} answered ${response.length} bytes to an APDU (expected at least SW1 SW2)`));
      }
      return response;
    });
  }

  /** Warm reset (02) or first power-up (01), then get ATR (04), as pcscd's vpcd driver does. */
  reset(how: 'reset' | 'powerOn' = 'reset'): Promise<Uint8Array> {
    return this.#serialized(async () => {
      this.#write(encodeVpcdControl(how));
      const atr = await this.#exchange(encodeVpcdControl('getAtr'), 'the ATR');
      if (atr.length === 0) throw this.#fail(new CardConnectionError(`the virtual card at ${this.#where} answered an empty ATR: it has left the reader`));
      this.#atr = atr;
      return atr;
    });
  }

  async close(): Promise<void> {
    if (this.#socket.destroyed) return;
    await this.#chain.catch(() => undefined);
    if (this.#failure === undefined) this.#write(encodeVpcdControl('powerOff'));
    this.#failure ??= new CardConnectionError(`the card connection at ${this.#where} is closed`);
    await new Promise<void>((resolve) => {
      this.#socket.once('close', () => resolve());
      this.#socket.end();
      setTimeout(() => this.#socket.destroy(), 1_000).unref();
    });
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return work();
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  #write(frame: Uint8Array): void {
    if (this.#failure !== undefined) throw this.#failure;
    this.#socket.write(frame);
  }

  #exchange(frame: Uint8Array, what: string): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(new CardConnectionError(`the virtual card at ${this.#where} sent no answer (${what}) within ${this.#timeoutMs} ms`));
        this.#socket.destroy();
      }, this.#timeoutMs);
      this.#pending = { resolve, reject, timer };
      try {
        this.#write(frame);
      } catch (error) {
        clearTimeout(timer);
        this.#pending = undefined;
        reject(error as Error);
      }
    });
  }

  #receive(payload: Uint8Array): void {
    const pending = this.#pending;
    if (pending === undefined) {
      this.#fail(new VpcdProtocolError('unsolicited-frame', `the virtual card at ${this.#where} sent ${payload.length} bytes nobody asked for`));
      this.#socket.destroy();
      return;
    }
    this.#pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(payload);
  }

  #fail(error: CardConnectionError): CardConnectionError {
    this.#failure ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending !== undefined) {
      clearTimeout(pending.timer);
      pending.reject(this.#failure);
    }
    return this.#failure;
  }
}
