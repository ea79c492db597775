/**
 * ISO/IEC 7816-4 §5.1 command APDUs: the four cases in short and extended form. Parsing never
 * throws: a malformed APDU yields the status word a card would answer with.
 */
import { IsoStatusWord } from './status-words.js';

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (empty in cases 1 and 2). */
  readonly data: Uint8Array;
  /** Expected response length, 1–256 (short) or 1–65536 (extended); undefined in cases 1 and 3. */
  readonly le: number | undefined;
  readonly extended: boolean;
  readonly isoCase: 1 | 2 | 3 | 4;
}

export type CommandApduParse =
  | { readonly ok: true; readonly apdu: CommandApdu }
  | { readonly ok: false; readonly sw: number; readonly reason: string };

const wrongLength = (reason: string): CommandApduParse => ({ ok: false, sw: IsoStatusWord.wrongLength, reason });

export function parseCommandApdu(bytes: Uint8Array): CommandApduParse {
  if (bytes.length < 4) return wrongLength(`an APDU has at least 4 header bytes, got ${bytes.length}`);
  const bodyLength = bytes.length - 4;
  if (bodyLength === 0) return accepted(bytes, 1, EMPTY, undefined, false);
  const first = bytes[4] ?? 0;
  if (bodyLength === 1) return accepted(bytes, 2, EMPTY, first === 0 ? 256 : first, false);
  if (first !== 0) {
    // Short Lc: data, then optionally one Le byte.
    if (bodyLength === 1 + first) return accepted(bytes, 3, bytes.subarray(5, 5 + first), undefined, false);
    if (bodyLength === 2 + first) return accepted(bytes, 4, bytes.subarray(5, 5 + first), bytes[5 + first] || 256, false);
    return wrongLength(`Lc says ${first} data bytes, but ${bodyLength - 1} bytes follow`);
  }
  // Extended: 00 then two bytes of Le (case 2E) or Lc (cases 3E, 4E).
  if (bodyLength < 3) return wrongLength('an extended length needs three bytes');
  const word = ((bytes[5] ?? 0) << 8) | (bytes[6] ?? 0);
  if (bodyLength === 3) return accepted(bytes, 2, EMPTY, word === 0 ? 65536 : word, true);
  if (word === 0) return wrongLength('extended Lc of zero');
  if (bodyLength === 3 + word) return accepted(bytes, 3, bytes.subarray(7, 7 + word), undefined, true);
  if (bodyLength === 5 + word) {
    const le = ((bytes[7 + word] ?? 0) << 8) | (bytes[8 + word] ?? 0);
    return accepted(bytes, 4, bytes.subarray(7, 7 + word), le === 0 ? 65536 : le, true);
  }
  return wrongLength(`extended Lc says ${word} data bytes, but ${bodyLength - 3} bytes follow`);
}

/** Shared by every case without data: a zero-length array holds nothing a caller could change. */
const EMPTY = new Uint8Array(0);

function accepted(bytes: Uint8Array, isoCase: 1 | 2 | 3 | 4, data: Uint8Array, le: number | undefined, extended: boolean): CommandApduParse {
  return { ok: true, apdu: { cla: bytes[0] ?? 0, ins: bytes[1] ?? 0, p1: bytes[2] ?? 0, p2: bytes[3] ?? 0, data, le, extended, isoCase } };
}

export interface CommandApduInput {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** 1–256 short, 1–65536 extended; 256 is sent as 00 (short) and 65536 as 0000 (extended). */
  readonly le?: number;
  /** Force the extended form; chosen automatically when data or Le need it. */
  readonly extended?: boolean;
}

export function encodeCommandApdu(input: CommandApduInput): Uint8Array {
  const data = input.data ?? new Uint8Array(0);
  const { le } = input;
  if (data.length > 65535) throw new RangeError(`command data of ${data.length} bytes exceeds 65535`);
  if (le !== undefined && (le < 1 || le > 65536 || !Number.isInteger(le))) throw new RangeError(`Le ${le} is outside 1–65536`);
  const extended = input.extended === true || data.length > 255 || (le ?? 0) > 256;
  const parts: number[] = [input.cla, input.ins, input.p1, input.p2];
  if (!extended) {
    if (data.length > 0) parts.push(data.length);
    const out = Uint8Array.from([...parts, ...data, ...(le === undefined ? [] : [le === 256 ? 0 : le])]);
    return out;
  }
  parts.push(0);
  if (data.length > 0) parts.push(data.length >> 8, data.length & 0xff);
  const leBytes = le === undefined ? [] : [(le === 65536 ? 0 : le) >> 8, (le === 65536 ? 0 : le) & 0xff];
  return Uint8Array.from([...parts, ...data, ...leBytes]);
}

/** A response APDU: data then SW1 SW2. */
export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

export function parseResponseApdu(bytes: Uint8Array): ResponseApdu | undefined {
  if (bytes.length < 2) return undefined;
  return { data: bytes.subarray(0, bytes.length - 2), sw: ((bytes[bytes.length - 2] ?? 0) << 8) | (bytes[bytes.length - 1] ?? 0) };
}

export function encodeResponseApdu(response: ResponseApdu): Uint8Array {
  const out = new Uint8Array(response.data.length + 2);
  out.set(response.data);
  out[response.data.length] = response.sw >> 8;
  out[response.data.length + 1] = response.sw & 0xff;
  return out;
}
