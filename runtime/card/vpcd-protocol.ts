/**
 * The wire protocol between vsmartcard's vpcd (a PC/SC reader driver for pcscd) and a virtual
 * card ("vicc"), over one TCP connection. Facts from vsmartcard `virtualsmartcard/src/vpcd/vpcd.c`
 * and `vpcd.h` (read, not copied):
 *
 * - every message, both ways, is a frame: a 2-byte big-endian length, then that many bytes;
 * - reader → card: a 1-byte frame is a control message (00 power off, 01 power on, 02 reset,
 *   04 get ATR); any longer frame is a command APDU (an APDU is never shorter than 2 bytes);
 * - card → reader: only "get ATR" and APDUs are answered, with the ATR or the response APDU;
 *   power on / off / reset get no answer. An empty frame in answer means the card is gone
 *   (`ifd-vpcd.c`: "Virtual ICC removed").
 * - the driver listens (server mode, DEVICENAME /dev/null:PORT) and the card connects; the
 *   default port is 35963 (0x8C7B) and pcscd's vpcd opens one slot per port, PORT and PORT+1.
 */
import { CardConnectionError } from './card-connection.js';

export const VPCD_DEFAULT_PORT = 35963;
/** Largest payload a 2-byte length prefix can carry. */
export const VPCD_MAX_PAYLOAD = 0xffff;

export const VpcdControl = {
  powerOff: 0x00,
  powerOn: 0x01,
  reset: 0x02,
  getAtr: 0x04,
} as const;
export type VpcdControlName = keyof typeof VpcdControl;

/** What a reader sends a card, classified. */
export type VpcdReaderMessage =
  | { readonly kind: 'control'; readonly control: VpcdControlName }
  | { readonly kind: 'apdu'; readonly apdu: Uint8Array };

/** A malformed or impossible vpcd frame; `reason` is stable for callers and tests. */
export class VpcdProtocolError extends CardConnectionError {
  readonly reason: 'payload-too-long' | 'empty-frame' | 'unknown-control' | 'truncated-frame' | 'ambiguous-apdu' | 'unsolicited-frame';

  constructor(reason: VpcdProtocolError['reason'], message: string) {
    super(`vpcd protocol: ${message}`);
    this.reason = reason;
  }
}

/** One frame: length (big-endian, 2 bytes) ‖ payload. */
export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > VPCD_MAX_PAYLOAD) {
    throw new VpcdProtocolError('payload-too-long', `payload of ${payload.length} bytes exceeds the 2-byte length prefix (at most ${VPCD_MAX_PAYLOAD})`);
  }
  const frame = new Uint8Array(2 + payload.length);
  frame[0] = payload.length >>> 8;
  frame[1] = payload.length & 0xff;
  frame.set(payload, 2);
  return frame;
}

export function encodeVpcdControl(control: VpcdControlName): Uint8Array {
  return encodeVpcdFrame(Uint8Array.of(VpcdControl[control]));
}

/** A command APDU as the reader sends it; 0 or 1 bytes cannot be told apart from "nothing" or a control message. */
export function encodeVpcdApdu(apdu: Uint8Array): Uint8Array {
  if (apdu.length < 2) {
    throw new VpcdProtocolError('ambiguous-apdu', `a ${apdu.length}-byte APDU cannot be sent over vpcd (a 1-byte frame is a control message, an empty one is nothing)`);
  }
  return encodeVpcdFrame(apdu);
}

/** Classifies one payload received by a card. */
export function parseVpcdReaderMessage(payload: Uint8Array): VpcdReaderMessage {
  if (payload.length === 0) throw new VpcdProtocolError('empty-frame', 'empty frame from the reader (expected a control byte or a command APDU)');
  if (payload.length > 1) return { kind: 'apdu', apdu: payload };
  const code = payload[0] ?? -1;
  const control = CONTROL_BY_CODE.get(code);
  if (control === undefined) {
    throw new VpcdProtocolError('unknown-control', `unknown control byte 0x${code.toString(16).padStart(2, '0')} (expected 00 power off, 01 power on, 02 reset or 04 get ATR)`);
  }
  return { kind: 'control', control };
}

const CONTROL_BY_CODE: ReadonlyMap<number, VpcdControlName> = new Map(Object.entries(VpcdControl).map(([name, code]) => [code, name as VpcdControlName]));

/**
 * Reassembles frames from TCP chunks, which split and merge frames anywhere. Holds at most one
 * partial frame (≤ 65 537 bytes), so a peer cannot make it grow without bound.
 */
export class VpcdFrameDecoder {
  #pending: Uint8Array = new Uint8Array(0);

  /** Bytes received that do not yet make a whole frame. */
  get pendingBytes(): number {
    return this.#pending.length;
  }

  /** Feeds one chunk; returns the payloads of every frame it completes, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    const buffer = this.#pending.length === 0 ? chunk : concat(this.#pending, chunk);
    const payloads: Uint8Array[] = [];
    let offset = 0;
    while (buffer.length - offset >= 2) {
      const length = ((buffer[offset] ?? 0) << 8) | (buffer[offset + 1] ?? 0);
      if (buffer.length - offset - 2 < length) break;
      payloads.push(buffer.slice(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
    this.#pending = buffer.slice(offset);
    return payloads;
  }

  /** The stream ended: a partial frame left over is an error. */
  end(): void {
    if (this.#pending.length === 0) return;
    const expected = this.#pending.length >= 2 ? `${(((this.#pending[0] ?? 0) << 8) | (this.#pending[1] ?? 0)) + 2} bytes` : 'a 2-byte length';
    const received = this.#pending.length;
    this.#pending = new Uint8Array(0);
    throw new VpcdProtocolError('truncated-frame', `connection ended inside a frame: ${received} bytes received, expected ${expected}`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
