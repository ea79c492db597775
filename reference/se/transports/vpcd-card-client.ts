/**
 * Puts a VirtualCard into a vpcd reader: the card connects as a TCP client to the port where
 * pcscd's vpcd driver (or our own reader listener) waits, then answers what the reader sends —
 * power on / off / reset, get ATR, command APDUs — until closed. If the reader goes away (pcscd
 * restarts), it reconnects with exponential back-off, as vsmartcard's vicc does not but a long
 * running `jpkigen serve se --vpcd` must.
 */
import { Socket, connect } from 'node:net';
import { CardConnectionError } from '../../../runtime/card/card-connection.js';
import {
  VPCD_DEFAULT_PORT,
  VpcdFrameDecoder,
  VpcdProtocolError,
  encodeVpcdFrame,
  parseVpcdReaderMessage,
  type VpcdReaderMessage,
} from '../../../runtime/card/vpcd-protocol.js';
import type { VirtualCard } from '../virtual-card.js';

export interface VpcdCardClientOptions {
  /** Where the reader listens; 127.0.0.1 unless told. */
  readonly host?: string;
  /** 35963 (vpcd's default) unless told. */
  readonly port?: number;
  /** A Unix socket instead of TCP (a private pcscd in its own network namespace is reached this way). */
  readonly path?: string;
  /** Reconnect after the reader goes away or refuses: true (the default) or false to end instead. */
  readonly reconnect?: boolean;
  /** First back-off delay; doubles on every failed attempt up to `maxRetryDelayMs`. */
  readonly initialRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  /** What happened, for logs: connected, disconnected (with why), a malformed frame ignored. */
  readonly onEvent?: (event: VpcdCardClientEvent) => void;
}

export type VpcdCardClientEvent =
  | { readonly type: 'connected'; readonly host: string; readonly port: number }
  | { readonly type: 'disconnected'; readonly reason: string; readonly retryInMs?: number }
  | { readonly type: 'protocol-error'; readonly error: VpcdProtocolError }
  | { readonly type: 'card-error'; readonly error: unknown };

export interface VpcdCardAttachment {
  /** Resolves once closed: by close(), or when the connection ends and `reconnect` is false. */
  readonly closed: Promise<void>;
  /** Whether a reader connection is up now. */
  readonly connected: boolean;
  /** Resolves when the card is (or next gets) connected; rejects if it is closed first. */
  whenConnected(): Promise<void>;
  /** Powers the card off, ends the connection, stops reconnecting. */
  close(): Promise<void>;
}

/** SW 6F00 "no precise diagnosis": what a card answers when its own code failed. */
const SW_NO_PRECISE_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);

export function attachCardToVpcd(card: VirtualCard, options: VpcdCardClientOptions = {}): VpcdCardAttachment {
  const host = options.path ?? options.host ?? '127.0.0.1';
  const port = options.path === undefined ? (options.port ?? VPCD_DEFAULT_PORT) : 0;
  const where = options.path ?? `${host}:${port}`;
  const reconnect = options.reconnect ?? true;
  const initialDelay = options.initialRetryDelayMs ?? 100;
  const maxDelay = options.maxRetryDelayMs ?? 5_000;
  const emit = options.onEvent ?? (() => undefined);

  let socket: Socket | undefined;
  let connected = false;
  let closing = false;
  let retryDelay = initialDelay;
  let retryTimer: NodeJS.Timeout | undefined;
  let waiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const settleWaiters = (error?: Error): void => {
    const pending = waiters;
    waiters = [];
    for (const waiter of pending) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  };

  const finish = (): void => {
    closing = true;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    settleWaiters(new CardConnectionError(`the card's vpcd connection to ${where} is closed`));
    resolveClosed();
  };

  const open = (): void => {
    const current = options.path === undefined ? connect({ host, port }) : connect({ path: options.path });
    socket = current;
    current.setNoDelay(true);
    serveReaderConnection(card, current, emit);
    current.on('connect', () => {
      connected = true;
      retryDelay = initialDelay;
      emit({ type: 'connected', host, port });
      settleWaiters();
    });
    current.on('error', () => undefined); // 'close' follows and carries the decision
    current.on('close', (hadError) => {
      const wasConnected = connected;
      connected = false;
      if (socket === current) socket = undefined;
      // A card pulled from the reader loses power.
      if (wasConnected) card.powerOff();
      if (closing) return;
      const reason = wasConnected ? (hadError ? 'connection failed' : 'reader closed the connection') : `cannot connect to ${where}`;
      if (!reconnect) {
        emit({ type: 'disconnected', reason });
        finish();
        return;
      }
      const delay = retryDelay;
      retryDelay = Math.min(retryDelay * 2, maxDelay);
      emit({ type: 'disconnected', reason, retryInMs: delay });
      retryTimer = setTimeout(open, delay);
    });
  };

  open();

  return {
    closed,
    get connected() {
      return connected;
    },
    whenConnected() {
      if (connected) return Promise.resolve();
      if (closing) return Promise.reject(new CardConnectionError(`the card's vpcd connection to ${where} is closed`));
      return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    },
    async close() {
      if (closing) return closed;
      closing = true;
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      const current = socket;
      if (current !== undefined && !current.destroyed) {
        await new Promise<void>((resolve) => {
          current.once('close', () => resolve());
          current.end();
          // A reader that never reads our FIN must not hold close() forever.
          setTimeout(() => current.destroy(), 1_000).unref();
        });
      }
      if (connected) card.powerOff();
      connected = false;
      finish();
      return closed;
    },
  };
}

/** Wires one reader connection to the card: every frame the reader sends is answered, in order. */
function serveReaderConnection(card: VirtualCard, socket: Socket, emit: (event: VpcdCardClientEvent) => void): void {
  const decoder = new VpcdFrameDecoder();
  // Strictly in order: an APDU's answer may take a while (RSA), and the reader never sends the
  // next command before the answer anyway.
  let queue: Promise<void> = Promise.resolve();
  socket.on('data', (chunk: Buffer) => {
    for (const payload of decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
      // A card that throws must not stall every later frame behind a rejected promise.
      queue = queue.then(() => answerFrame(card, payload, socket, emit)).catch((error: unknown) => emit({ type: 'card-error', error }));
    }
  });
}

async function answerFrame(card: VirtualCard, payload: Uint8Array, target: Socket, emit: (event: VpcdCardClientEvent) => void): Promise<void> {
  let message: VpcdReaderMessage;
  try {
    message = parseVpcdReaderMessage(payload);
  } catch (error) {
    // vicc logs and ignores unknown control bytes; so do we: the reader expects no answer.
    if (error instanceof VpcdProtocolError) emit({ type: 'protocol-error', error });
    return;
  }
  if (message.kind === 'control') {
    switch (message.control) {
      case 'powerOff':
        card.powerOff();
        return;
      case 'powerOn':
        card.powerOn();
        return;
      case 'reset':
        card.reset();
        return;
      case 'getAtr':
        sendFrame(target, card.atr, emit);
        return;
    }
  }
  let response: Uint8Array;
  try {
    response = await card.transmit(message.apdu);
  } catch (error) {
    emit({ type: 'card-error', error });
    response = SW_NO_PRECISE_DIAGNOSIS;
  }
  sendFrame(target, response, emit);
}

function sendFrame(target: Socket, payload: Uint8Array, emit: (event: VpcdCardClientEvent) => void): void {
  if (target.destroyed) return;
  try {
    target.write(encodeVpcdFrame(payload));
  } catch (error) {
    if (error instanceof VpcdProtocolError) emit({ type: 'protocol-error', error });
    else throw error;
  }
}
