/**
 * Canonical DER encoder (X.690 §10–11). Values are written front to back into one growing
 * buffer; a constructed value reserves one length octet and widens it on close (a memmove of its
 * content), which is rare and cheap next to building per-element arrays.
 */
import { JpkigenError } from '../errors.js';
import { isPrintableCharacter, type BitString } from './der-primitives.js';

/** A value cannot be encoded: out of range, wrong characters for its string type, a missing component. */
export class EncodeError extends JpkigenError {
  readonly path: string;
  readonly expected: string;

  constructor(path: string, expected: string) {
    super('DER_ENCODE_INVALID', `cannot encode ${path === '' ? 'value' : path}: expected ${expected}`);
    this.path = path;
    this.expected = expected;
  }
}

export interface EncodeOptions {
  /**
   * Write kept exact bytes (`$der` of signed parts, `der` of open values) verbatim. On by default
   * so signatures stay valid; off re-encodes from the decoded fields.
   */
  readonly useKeptDer?: boolean;
}

const textEncoder = new TextEncoder();

export class DerWriter {
  private buffer: Uint8Array;
  position = 0;
  readonly useKeptDer: boolean;

  constructor(options?: EncodeOptions, initialSize = 1024) {
    this.buffer = new Uint8Array(initialSize);
    this.useKeptDer = options?.useKeptDer !== false;
  }

  private ensure(extra: number): void {
    if (this.position + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.position + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.position));
    this.buffer = grown;
  }

  /** Identifier octets as `readTlvHeader` reports them in `tag` (several octets for high tag numbers). */
  writeTag(tag: number): void {
    if (tag < 0x100) {
      this.ensure(1);
      this.buffer[this.position++] = tag;
      return;
    }
    const octets: number[] = [];
    for (let rest = tag; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
    this.writeRaw(Uint8Array.from(octets));
  }

  private writeLength(length: number): void {
    if (length < 0x80) {
      this.ensure(1);
      this.buffer[this.position++] = length;
      return;
    }
    const octets = lengthOctets(length);
    this.ensure(1 + octets.length);
    this.buffer[this.position++] = 0x80 | octets.length;
    this.buffer.set(octets, this.position);
    this.position += octets.length;
  }

  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buffer.set(bytes, this.position);
    this.position += bytes.length;
  }

  /** A primitive element with the given content. */
  writePrimitive(tag: number, content: Uint8Array): void {
    this.writeTag(tag);
    this.writeLength(content.length);
    this.writeRaw(content);
  }

  /** Opens a constructed element; returns the mark `close` needs. */
  open(tag: number): number {
    this.writeTag(tag);
    this.ensure(1);
    const mark = this.position;
    this.buffer[this.position++] = 0;
    return mark;
  }

  close(mark: number): void {
    const contentStart = mark + 1;
    const length = this.position - contentStart;
    if (length < 0x80) {
      this.buffer[mark] = length;
      return;
    }
    const octets = lengthOctets(length);
    this.ensure(octets.length);
    this.buffer.copyWithin(contentStart + octets.length, contentStart, this.position);
    this.buffer[mark] = 0x80 | octets.length;
    this.buffer.set(octets, contentStart);
    this.position += octets.length;
  }

  /** Puts the elements written since `contentStart` into ascending order of their encodings (X.690 §11.6). */
  sortElementsSince(contentStart: number, boundaries: readonly number[]): void {
    if (boundaries.length < 2) return;
    const elements: Uint8Array[] = [];
    let start = contentStart;
    for (const end of boundaries) {
      elements.push(this.buffer.slice(start, end));
      start = end;
    }
    elements.sort(compareEncodings);
    let cursor = contentStart;
    for (const element of elements) {
      this.buffer.set(element, cursor);
      cursor += element.length;
    }
  }

  writeBoolean(tag: number, value: boolean): void {
    this.writePrimitive(tag, Uint8Array.of(value ? 0xff : 0));
  }

  writeNull(tag: number): void {
    this.writePrimitive(tag, new Uint8Array(0));
  }

  writeInteger(tag: number, value: bigint | number, path: string): void {
    this.writePrimitive(tag, integerOctets(value, path));
  }

  writeObjectIdentifier(tag: number, value: string, path: string): void {
    this.writePrimitive(tag, objectIdentifierOctets(value, path, false));
  }

  writeRelativeOid(tag: number, value: string, path: string): void {
    this.writePrimitive(tag, objectIdentifierOctets(value, path, true));
  }

  writeBitString(tag: number, value: BitString, path: string, namedBits: boolean): void {
    if (!Number.isInteger(value.unusedBits) || value.unusedBits < 0 || value.unusedBits > 7 || (value.bytes.length === 0 && value.unusedBits !== 0)) {
      throw new EncodeError(path, 'a BIT STRING with 0 to 7 unused bits (none when empty)');
    }
    let bytes = value.bytes;
    let unusedBits = value.unusedBits;
    if (namedBits) ({ bytes, unusedBits } = trimTrailingZeroBits(bytes, unusedBits));
    const content = new Uint8Array(bytes.length + 1);
    content[0] = unusedBits;
    content.set(bytes, 1);
    if (bytes.length > 0) content[bytes.length] = (content[bytes.length] as number) & (0xff << unusedBits);
    this.writePrimitive(tag, content);
  }

  writeOctetString(tag: number, value: Uint8Array): void {
    this.writePrimitive(tag, value);
  }

  writeUtf8String(tag: number, value: string): void {
    this.writePrimitive(tag, textEncoder.encode(value));
  }

  writeRestrictedString(tag: number, value: string, path: string, allowed: (code: number) => boolean, what: string): void {
    const content = new Uint8Array(value.length);
    for (let index = 0; index < value.length; index += 1) {
      const code = value.charCodeAt(index);
      if (code > 0xff || !allowed(code)) throw new EncodeError(path, `${what}, found ${JSON.stringify(value[index])} at ${index}`);
      content[index] = code;
    }
    this.writePrimitive(tag, content);
  }

  writeBmpString(tag: number, value: string): void {
    const content = new Uint8Array(value.length * 2);
    for (let index = 0; index < value.length; index += 1) {
      const code = value.charCodeAt(index);
      content[index * 2] = code >> 8;
      content[index * 2 + 1] = code & 0xff;
    }
    this.writePrimitive(tag, content);
  }

  writeUniversalString(tag: number, value: string): void {
    const points = [...value].map((character) => character.codePointAt(0) ?? 0);
    const content = new Uint8Array(points.length * 4);
    points.forEach((point, index) => {
      content[index * 4] = point >>> 24;
      content[index * 4 + 1] = (point >>> 16) & 0xff;
      content[index * 4 + 2] = (point >>> 8) & 0xff;
      content[index * 4 + 3] = point & 0xff;
    });
    this.writePrimitive(tag, content);
  }

  writeUtcTime(tag: number, value: Date, path: string): void {
    checkDate(value, path);
    const year = value.getUTCFullYear();
    if (year < 1950 || year > 2049) throw new EncodeError(path, 'a UTCTime between 1950 and 2049 (RFC 5280 §4.1.2.5)');
    const text = `${pad(year % 100, 2)}${pad(value.getUTCMonth() + 1, 2)}${pad(value.getUTCDate(), 2)}${pad(value.getUTCHours(), 2)}${pad(value.getUTCMinutes(), 2)}${pad(value.getUTCSeconds(), 2)}Z`;
    this.writePrimitive(tag, asciiOctets(text));
  }

  writeGeneralizedTime(tag: number, value: Date, path: string): void {
    checkDate(value, path);
    const year = value.getUTCFullYear();
    if (year < 0 || year > 9999) throw new EncodeError(path, 'a GeneralizedTime year of four digits');
    const milliseconds = value.getUTCMilliseconds();
    const fraction = milliseconds === 0 ? '' : `.${pad(milliseconds, 3).replace(/0+$/u, '')}`;
    const text = `${pad(year, 4)}${pad(value.getUTCMonth() + 1, 2)}${pad(value.getUTCDate(), 2)}${pad(value.getUTCHours(), 2)}${pad(value.getUTCMinutes(), 2)}${pad(value.getUTCSeconds(), 2)}${fraction}Z`;
    this.writePrimitive(tag, asciiOctets(text));
  }

  /** The encoding so far, as a fresh array. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.position);
  }
}

function checkDate(value: Date, path: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new EncodeError(path, 'a valid Date');
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function asciiOctets(text: string): Uint8Array {
  const octets = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index += 1) octets[index] = text.charCodeAt(index);
  return octets;
}

function lengthOctets(length: number): number[] {
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return octets;
}

function compareEncodings(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (a[index] as number) - (b[index] as number);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

function trimTrailingZeroBits(bytes: Uint8Array, unusedBits: number): BitString {
  let length = bytes.length;
  while (length > 0 && bytes[length - 1] === 0) length -= 1;
  if (length === 0) return { bytes: new Uint8Array(0), unusedBits: 0 };
  const last = (bytes[length - 1] as number) & (length === bytes.length ? 0xff << unusedBits : 0xff);
  let unused = 0;
  while (((last >> unused) & 1) === 0) unused += 1;
  const trimmed = bytes.slice(0, length);
  trimmed[length - 1] = last;
  return { bytes: trimmed, unusedBits: unused };
}

/** Two's complement in the fewest octets (X.690 §8.3.2). */
export function integerOctets(value: bigint | number, path: string): Uint8Array {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new EncodeError(path, 'a safe integer');
    if (value >= -128 && value <= 127) return Uint8Array.of(value & 0xff);
    value = BigInt(value);
  }
  if (typeof value !== 'bigint') throw new EncodeError(path, 'an integer (bigint or number)');
  const negative = value < 0n;
  let hex = (negative ? -value - 1n : value).toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  let octets = Uint8Array.from(hex.match(/../gu) ?? [], (pair) => Number.parseInt(pair, 16));
  if (negative) octets = octets.map((octet) => 0xff - octet);
  const signBit = octets.length > 0 && ((octets[0] as number) & 0x80) !== 0;
  if (octets.length === 0 || signBit !== negative) {
    const widened = new Uint8Array(octets.length + 1);
    widened[0] = negative ? 0xff : 0;
    widened.set(octets, 1);
    octets = widened;
  }
  return octets;
}

export function objectIdentifierOctets(value: string, path: string, relative: boolean): Uint8Array {
  if (typeof value !== 'string' || !/^\d+(\.\d+)*$/u.test(value)) throw new EncodeError(path, 'an OBJECT IDENTIFIER in dotted form');
  const arcs = value.split('.').map((arc) => BigInt(arc));
  const subidentifiers: bigint[] = [];
  if (relative) subidentifiers.push(...arcs);
  else {
    const [first, second] = arcs;
    if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) {
      throw new EncodeError(path, 'an OBJECT IDENTIFIER of at least two arcs, the first 0–2 (X.660)');
    }
    subidentifiers.push(first * 40n + second, ...arcs.slice(2));
  }
  const octets: number[] = [];
  for (const subidentifier of subidentifiers) {
    const groups: number[] = [Number(subidentifier & 0x7fn)];
    for (let rest = subidentifier >> 7n; rest > 0n; rest >>= 7n) groups.unshift(Number(rest & 0x7fn) | 0x80);
    octets.push(...groups);
  }
  return Uint8Array.from(octets);
}

export function isPrintable(code: number): boolean {
  return isPrintableCharacter(code);
}
export function isIa5(code: number): boolean {
  return code < 0x80;
}
export function isVisible(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}
export function isNumeric(code: number): boolean {
  return code === 0x20 || (code >= 0x30 && code <= 0x39);
}
export function isOctet(code: number): boolean {
  return code <= 0xff;
}
