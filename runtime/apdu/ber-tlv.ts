/**
 * BER-TLV as smart cards use it (ISO/IEC 7816-4 §5.2, GPCS 2.3.1 §11.1.5): tags of up to three
 * bytes, definite lengths of up to four bytes. Decoding names the byte offset of any fault.
 */
import { JpkigenError } from '../errors.js';

export interface Tlv {
  /** The tag's bytes as one number (e.g. 0x9F70). */
  readonly tag: number;
  readonly constructed: boolean;
  readonly value: Uint8Array;
  /** Offset of the tag in the decoded buffer. */
  readonly offset: number;
}

export class TlvError extends JpkigenError {
  readonly offset: number;

  constructor(offset: number, expected: string) {
    super('TLV_MALFORMED', `BER-TLV at byte ${offset}: expected ${expected}`);
    this.offset = offset;
  }
}

/**
 * Decodes consecutive TLVs filling `bytes` exactly. 00 padding between objects is skipped
 * (ISO 7816-4 §5.2.2). FF is not: GlobalPlatform's access-control tags (FF40, FF50, FF60) start with it.
 */
export function decodeTlvs(bytes: Uint8Array, baseOffset = 0): Tlv[] {
  const result: Tlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const first = bytes[offset] ?? 0;
    if (first === 0x00) {
      offset += 1;
      continue;
    }
    const { tlv, next } = decodeTlv(bytes, offset, baseOffset);
    result.push(tlv);
    offset = next;
  }
  return result;
}

export function decodeTlv(bytes: Uint8Array, offset: number, baseOffset = 0): { tlv: Tlv; next: number } {
  const start = offset;
  const first = bytes[offset];
  if (first === undefined) throw new TlvError(baseOffset + offset, 'a tag');
  let tag = first;
  offset += 1;
  if ((first & 0x1f) === 0x1f) {
    for (let count = 0; ; count += 1) {
      const byte = bytes[offset];
      if (byte === undefined) throw new TlvError(baseOffset + offset, 'the rest of a multi-byte tag');
      if (count === 2) throw new TlvError(baseOffset + start, 'a tag of at most three bytes');
      tag = tag * 256 + byte;
      offset += 1;
      if ((byte & 0x80) === 0) break;
    }
  }
  const lengthByte = bytes[offset];
  if (lengthByte === undefined) throw new TlvError(baseOffset + offset, 'a length');
  offset += 1;
  let length = lengthByte;
  if (lengthByte === 0x80) throw new TlvError(baseOffset + offset - 1, 'a definite length (indefinite lengths are not used on cards)');
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 4) throw new TlvError(baseOffset + offset - 1, 'a length of at most four bytes');
    length = 0;
    for (let index = 0; index < count; index += 1) {
      const byte = bytes[offset];
      if (byte === undefined) throw new TlvError(baseOffset + offset, 'the rest of a multi-byte length');
      length = length * 256 + byte;
      offset += 1;
    }
  }
  if (offset + length > bytes.length) {
    throw new TlvError(baseOffset + start, `${length} value bytes, but only ${bytes.length - offset} remain`);
  }
  return {
    tlv: { tag, constructed: (first & 0x20) !== 0, value: bytes.subarray(offset, offset + length), offset: baseOffset + start },
    next: offset + length,
  };
}

export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const tagBytes = tag > 0xffff ? [tag >> 16, (tag >> 8) & 0xff, tag & 0xff] : tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  const length = encodeLength(value.length);
  const out = new Uint8Array(tagBytes.length + length.length + value.length);
  out.set(tagBytes, 0);
  out.set(length, tagBytes.length);
  out.set(value, tagBytes.length + length.length);
  return out;
}

/** Definite length in its shortest form. */
export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  if (length <= 0xffffff) return Uint8Array.of(0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
  return Uint8Array.of(0x84, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}

