/**
 * Test harness for the simulated SE: a tiny echo applet class (the application side), and a GP
 * host that drives the card through REAL host code — the generated GP builders wrapped by
 * runtime/scp03's Scp03HostSession — collecting 61xx parts with GET RESPONSE before unwrapping.
 */
import { bytesToHex, concatBytes, encodeCommandApdu, hexToBytes, parseResponseApdu, type CommandApdu, type ResponseApdu } from '../../../runtime/index.js';
import { Scp03HostSession, type Scp03StaticKeys } from '../../../runtime/scp03/index.js';
import type { CardConnection } from '../../../runtime/card/card-connection.js';
import type { Applet, AppletClass, AppletContext, StoreDataBlock } from '../../../reference/se/applet.js';
import { interindustryClass } from '../../../runtime/apdu/class-byte.js';

export const ECHO_PACKAGE_AID = hexToBytes('F0000000EC01');
export const ECHO_MODULE_AID = hexToBytes('F0000000EC0101');
export const ECHO_INSTANCE_AID = hexToBytes('F0000000EC010101');
export const GP_TEST_KEY = hexToBytes('404142434445464748494A4B4C4D4E4F');
export const DEFAULT_KEYS: Scp03StaticKeys = { enc: GP_TEST_KEY, mac: GP_TEST_KEY, dek: GP_TEST_KEY };

interface EchoState {
  counter: number;
  installParameters: string;
  personalization: string[];
}

/**
 * INS 10: counter + 1 (persistent, markChanged) and answer it; INS 20: answer P1‖P2 bytes (response
 * chaining); INS 30: throw (an applet bug); INS 31: count, then throw; anything else: echo the data. SELECT answers 9000 unless
 * the install parameters were 'FF' (then it refuses with 6999).
 */
export class EchoApplet implements Applet {
  readonly aid: Uint8Array;
  readonly state: EchoState;
  selections: number[] = [];
  deselections: number[] = [];
  resets = 0;

  constructor(aid: Uint8Array, state: EchoState) {
    this.aid = aid;
    this.state = state;
  }

  select(_command: CommandApdu, context: AppletContext): ResponseApdu {
    this.selections.push(context.channel);
    if (this.state.installParameters === 'FF') return { data: new Uint8Array(0), sw: 0x6999 };
    return { data: new Uint8Array(0), sw: 0x9000 };
  }

  deselect(context: AppletContext): void {
    this.deselections.push(context.channel);
  }

  process(command: CommandApdu, context: AppletContext): ResponseApdu {
    switch (command.ins) {
      case 0x10:
        this.state.counter += 1;
        context.markChanged();
        return { data: Uint8Array.of(this.state.counter >> 8, this.state.counter & 0xff), sw: 0x9000 };
      case 0x20:
        return { data: Uint8Array.from({ length: (command.p1 << 8) | command.p2 }, (_, index) => index & 0xff), sw: 0x9000 };
      case 0x30:
        throw new Error('echo applet bug');
      case 0x31:
        this.state.counter += 1;
        context.markChanged();
        throw new Error('echo applet bug after a change');
      default:
        return { data: command.data.slice(), sw: 0x9000 };
    }
  }

  storeData(block: StoreDataBlock, context: AppletContext): ResponseApdu {
    this.state.personalization.push(`${block.blockNumber}:${block.structure}:${block.last}:${bytesToHex(block.data)}`);
    context.markChanged();
    return { data: new Uint8Array(0), sw: 0x9000 };
  }

  reset(): void {
    this.resets += 1;
  }

  saveState(): EchoState {
    return { ...this.state, personalization: [...this.state.personalization] };
  }
}

export const echoAppletClass: AppletClass = {
  moduleAid: ECHO_MODULE_AID,
  install: (aid, parameters) => new EchoApplet(aid, { counter: 0, installParameters: bytesToHex(parameters), personalization: [] }),
  restore: (aid, state) => {
    const saved = state as EchoState;
    if (typeof saved?.counter !== 'number') throw new TypeError('echo state needs a counter');
    return new EchoApplet(aid, { ...saved, personalization: [...saved.personalization] });
  },
};

export interface Exchange {
  readonly data: Uint8Array;
  readonly sw: number;
}

export function hex(exchange: Exchange): string {
  return bytesToHex(exchange.data);
}

/** Sends an APDU; on 61xx collects the rest with GET RESPONSE on the same channel. */
export async function sendCollecting(connection: CardConnection, apdu: Uint8Array, channel = 0): Promise<Exchange> {
  let response = parseResponseApdu(await connection.transmit(apdu));
  if (response === undefined) throw new Error('no status word');
  const parts = [response.data];
  while (response.sw >> 8 === 0x61) {
    const le = response.sw & 0xff || 256;
    response = parseResponseApdu(await connection.transmit(encodeCommandApdu({ cla: interindustryClass(channel), ins: 0xc0, p1: 0, p2: 0, le })));
    if (response === undefined) throw new Error('no status word');
    parts.push(response.data);
  }
  return { data: concatBytes(...parts), sw: response.sw };
}

export async function send(connection: CardConnection, apdu: Uint8Array | string, channel = 0): Promise<Exchange> {
  return sendCollecting(connection, typeof apdu === 'string' ? hexToBytes(apdu) : apdu, channel);
}

export interface GpSessionOptions {
  readonly keys?: Scp03StaticKeys;
  readonly securityLevel?: number;
  readonly keyVersion?: number;
  readonly channel?: number;
  readonly sdAid?: Uint8Array;
  readonly hostChallenge?: Uint8Array;
}

/** A host's SCP03 session with the security domain selected on a channel (select it first). */
export class GpSession {
  readonly host: Scp03HostSession;
  readonly #connection: CardConnection;
  readonly channel: number;

  constructor(connection: CardConnection, options: GpSessionOptions = {}) {
    this.#connection = connection;
    this.channel = options.channel ?? 0;
    this.host = new Scp03HostSession({
      keys: options.keys ?? DEFAULT_KEYS,
      securityLevel: options.securityLevel ?? 0x33,
      channel: this.channel,
      ...(options.keyVersion === undefined ? {} : { keyVersion: options.keyVersion }),
      ...(options.sdAid === undefined ? {} : { sdAid: options.sdAid }),
      ...(options.hostChallenge === undefined ? {} : { hostChallenge: options.hostChallenge }),
    });
  }

  static async open(connection: CardConnection, options: GpSessionOptions = {}): Promise<GpSession> {
    const session = new GpSession(connection, options);
    await session.authenticate();
    return session;
  }

  async authenticate(): Promise<void> {
    this.host.processInitializeUpdateResponse(await this.#connection.transmit(this.host.buildInitializeUpdate()));
    this.host.processExternalAuthenticateResponse(await this.#connection.transmit(this.host.buildExternalAuthenticate()));
  }

  /** Wraps a plain command (built for channel 0 by the generated builders), moves it to the session's channel, unwraps the answer. */
  async send(plain: Uint8Array): Promise<Exchange> {
    const onChannel = plain.slice();
    onChannel[0] = moveToChannel(onChannel[0] ?? 0, this.channel);
    const wrapped = this.host.wrapCommand(onChannel);
    const raw = await sendCollecting(this.#connection, wrapped, this.channel);
    const unwrapped = parseResponseApdu(this.host.unwrapResponse(concatBytes(raw.data, Uint8Array.of(raw.sw >> 8, raw.sw & 0xff))));
    if (unwrapped === undefined) throw new Error('no status word');
    return unwrapped;
  }
}

/** A first-interindustry class byte moved to another logical channel (GPCS §11.1.4). */
export function moveToChannel(cla: number, channel: number): number {
  const proprietary = cla & 0x80;
  if (channel <= 3) return (cla & ~0x03) | channel;
  return proprietary | 0x40 | (channel - 4);
}
