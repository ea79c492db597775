/**
 * The TLV header reader every DER decoder stands on (X.690 §8.1). Strict DER by default:
 * definite lengths only, in the fewest bytes (§10.1). With `ber: true` it also accepts the BER
 * forms (indefinite lengths closed by end-of-contents octets, non-minimal length octets).
 */
import { DecodeError } from './decode-error.js';

export { DecodeError } from './decode-error.js';

export const TAG_CLASS_UNIVERSAL = 0;
export const TAG_CLASS_APPLICATION = 1;
export const TAG_CLASS_CONTEXT = 2;
export const TAG_CLASS_PRIVATE = 3;
export type TagClass = 0 | 1 | 2 | 3;

export interface TlvHeader {
  /**
   * The identifier octets as one number: the first octet for tag numbers below 31 (0x30 is a
   * SEQUENCE, 0xa0 is [0] constructed), the octets concatenated big-endian for higher numbers.
   */
  readonly tag: number;
  readonly tagClass: TagClass;
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** Identifier plus length octets. */
  readonly headerLength: number;
  /** Content length; for a BER indefinite length, the length up to the end-of-contents octets. */
  readonly length: number;
  /** Only in BER mode: the length was indefinite, the content ends with 00 00 at `end`. */
  readonly indefinite: boolean;
  /** Offset of the first content byte (same as `valueStart`). */
  readonly contentStart: number;
  readonly valueStart: number;
  /** Offset just past the content (same as `valueEnd`); for indefinite lengths, the offset of the end-of-contents octets. */
  readonly end: number;
  readonly valueEnd: number;
  /** Offset just past the whole element, end-of-contents octets included: where the next element starts. */
  readonly elementEnd: number;
}

export interface TlvReadOptions {
  /** Accept BER forms: indefinite lengths and non-minimal length octets. */
  readonly ber?: boolean;
  /** ASN.1 path to put in errors. */
  readonly path?: string;
  /** Deepest nesting walked while looking for the end of an indefinite length (BER only). */
  readonly maxDepth?: number;
}

const DEFAULT_INDEFINITE_DEPTH = 64;

/** Reads the identifier and length octets at `offset`; the element must end at or before `end`. */
export function readTlvHeader(bytes: Uint8Array, offset: number, end: number, options?: TlvReadOptions): TlvHeader {
  const path = options?.path ?? '';
  if (offset >= end) throw new DecodeError('DER_TRUNCATED', offset, path, 'a tag, found the end of the enclosing value');
  const first = bytes[offset] as number;
  let cursor = offset + 1;
  let tag = first;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    // High tag numbers (X.690 §8.1.2.4): base 128, the first subsequent octet never 0x80, and §10 of our own: at most 3 octets.
    tagNumber = 0;
    for (let count = 0; ; count += 1) {
      if (cursor >= end) throw new DecodeError('DER_TRUNCATED', cursor, path, 'the rest of a multi-byte tag');
      const byte = bytes[cursor] as number;
      if (count === 0 && byte === 0x80) throw new DecodeError('DER_NON_MINIMAL_TAG', cursor, path, 'a tag number without leading zero bits');
      if (count === 3) throw new DecodeError('DER_TAG_TOO_LONG', offset, path, 'a tag of at most four identifier octets');
      tag = tag * 256 + byte;
      tagNumber = tagNumber * 128 + (byte & 0x7f);
      cursor += 1;
      if ((byte & 0x80) === 0) break;
    }
    if (tagNumber < 31) throw new DecodeError('DER_NON_MINIMAL_TAG', offset, path, `tag number ${tagNumber} in the single-octet form`);
  }
  if (cursor >= end) throw new DecodeError('DER_TRUNCATED', cursor, path, 'a length, found the end of the enclosing value');
  const lengthByte = bytes[cursor] as number;
  cursor += 1;
  let length = lengthByte;
  const constructed = (first & 0x20) !== 0;
  if (lengthByte >= 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0) {
      if (options?.ber !== true) throw new DecodeError('DER_INDEFINITE_LENGTH', cursor - 1, path, 'a definite length (DER forbids the indefinite form)');
      if (!constructed) throw new DecodeError('DER_INDEFINITE_LENGTH', cursor - 1, path, 'a definite length on a primitive encoding');
      const eoc = findEndOfContents(bytes, cursor, end, options);
      return header(first, tag, tagNumber, constructed, offset, cursor, eoc - cursor, true, eoc + 2);
    }
    if (count === 0x7f) throw new DecodeError('DER_LENGTH_TOO_LONG', cursor - 1, path, 'a length octet other than 0xff (reserved)');
    if (count > 6) throw new DecodeError('DER_LENGTH_TOO_LONG', cursor - 1, path, 'a length of at most six octets');
    if (cursor + count > end) throw new DecodeError('DER_TRUNCATED', cursor, path, `${count} length octets`);
    length = 0;
    for (let index = 0; index < count; index += 1) length = length * 256 + (bytes[cursor + index] as number);
    if (options?.ber !== true && (length < 0x80 || bytes[cursor] === 0)) {
      throw new DecodeError('DER_NON_MINIMAL_LENGTH', cursor - 1, path, `the length ${length} in the fewest octets`);
    }
    cursor += count;
  }
  if (length > end - cursor) {
    throw new DecodeError('DER_OVERRUN', offset, path, `${length} content bytes, but only ${end - cursor} remain in the enclosing value`);
  }
  return header(first, tag, tagNumber, constructed, offset, cursor, length, false, cursor + length);
}

/**
 * One header per element read, so it is kept small: the aliases (`valueStart`, `valueEnd`,
 * `tagClass`) are getters on the prototype rather than stored fields.
 */
class Header implements TlvHeader {
  constructor(
    readonly tag: number,
    readonly tagNumber: number,
    readonly constructed: boolean,
    readonly headerLength: number,
    readonly length: number,
    readonly indefinite: boolean,
    readonly contentStart: number,
    readonly end: number,
    readonly elementEnd: number,
  ) {}

  get tagClass(): TagClass {
    let first = this.tag;
    while (first > 0xff) first = Math.floor(first / 256);
    return (first >> 6) as TagClass;
  }

  get valueStart(): number {
    return this.contentStart;
  }

  get valueEnd(): number {
    return this.end;
  }
}

function header(
  first: number,
  tag: number,
  tagNumber: number,
  constructed: boolean,
  offset: number,
  contentStart: number,
  length: number,
  indefinite: boolean,
  elementEnd: number,
): TlvHeader {
  void first;
  return new Header(tag, tagNumber, constructed, contentStart - offset, length, indefinite, contentStart, contentStart + length, elementEnd);
}

/** Walks nested elements from `start` to the matching end-of-contents octets; returns their offset. */
function findEndOfContents(bytes: Uint8Array, start: number, end: number, options: TlvReadOptions): number {
  const path = options.path ?? '';
  const maxDepth = options.maxDepth ?? DEFAULT_INDEFINITE_DEPTH;
  let cursor = start;
  let depth = 1;
  for (;;) {
    if (cursor + 2 > end) throw new DecodeError('DER_TRUNCATED', cursor, path, 'end-of-contents octets closing an indefinite length');
    if (bytes[cursor] === 0 && bytes[cursor + 1] === 0) {
      depth -= 1;
      if (depth === 0) return cursor;
      cursor += 2;
      continue;
    }
    if (bytes[cursor] === 0) throw new DecodeError('DER_BAD_EOC', cursor, path, 'end-of-contents octets 00 00');
    const inner = readTlvHeaderShallow(bytes, cursor, end, path);
    if (inner.indefinite) {
      depth += 1;
      if (depth > maxDepth) throw new DecodeError('DER_DEPTH_LIMIT', cursor, path, `indefinite lengths nested at most ${maxDepth} deep`);
      cursor = inner.contentStart;
    } else {
      cursor = inner.contentStart + inner.length;
    }
  }
}

/** A BER header without resolving an indefinite length (used while scanning for end-of-contents). */
function readTlvHeaderShallow(bytes: Uint8Array, offset: number, end: number, path: string): { indefinite: boolean; contentStart: number; length: number } {
  let cursor = offset + 1;
  if (((bytes[offset] as number) & 0x1f) === 0x1f) {
    for (let count = 0; ; count += 1) {
      if (cursor >= end) throw new DecodeError('DER_TRUNCATED', cursor, path, 'the rest of a multi-byte tag');
      if (count === 3) throw new DecodeError('DER_TAG_TOO_LONG', offset, path, 'a tag of at most four identifier octets');
      const byte = bytes[cursor] as number;
      cursor += 1;
      if ((byte & 0x80) === 0) break;
    }
  }
  if (cursor >= end) throw new DecodeError('DER_TRUNCATED', cursor, path, 'a length');
  const lengthByte = bytes[cursor] as number;
  cursor += 1;
  if (lengthByte === 0x80) {
    if (((bytes[offset] as number) & 0x20) === 0) throw new DecodeError('DER_INDEFINITE_LENGTH', cursor - 1, path, 'a definite length on a primitive encoding');
    return { indefinite: true, contentStart: cursor, length: 0 };
  }
  let length = lengthByte;
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 6) throw new DecodeError('DER_LENGTH_TOO_LONG', cursor - 1, path, 'a length of at most six octets');
    if (cursor + count > end) throw new DecodeError('DER_TRUNCATED', cursor, path, `${count} length octets`);
    length = 0;
    for (let index = 0; index < count; index += 1) length = length * 256 + (bytes[cursor + index] as number);
    cursor += count;
  }
  if (length > end - cursor) throw new DecodeError('DER_OVERRUN', offset, path, `${length} content bytes, but only ${end - cursor} remain`);
  return { indefinite: false, contentStart: cursor, length };
}

/** The identifier-octets number `readTlvHeader` reports for a tag, for comparisons in generated code. */
export function tagIdentifier(tagClass: TagClass, constructed: boolean, tagNumber: number): number {
  const first = (tagClass << 6) | (constructed ? 0x20 : 0);
  if (tagNumber < 31) return first | tagNumber;
  const groups: number[] = [];
  for (let rest = tagNumber; rest > 0; rest = Math.floor(rest / 128)) groups.unshift(rest % 128);
  let identifier = first | 0x1f;
  groups.forEach((group, index) => {
    identifier = identifier * 256 + (index < groups.length - 1 ? group | 0x80 : group);
  });
  return identifier;
}
