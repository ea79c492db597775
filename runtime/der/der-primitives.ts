/**
 * Content decoders for the universal types (X.690 §8 with the DER restrictions of §10–11).
 * Each takes the element's header, already matched to the expected tag by the caller, and the
 * decode context; strict DER unless the context is in BER mode.
 */
import { concatBytes } from '../bytes.js';
import { DecodeError } from './decode-error.js';
import type { DecodeContext } from './decode-context.js';
import { readTlvHeader, type TlvHeader } from './tlv.js';

export interface BitString {
  /** The bits, most significant first; the last `unusedBits` bits of the last byte are padding. */
  readonly bytes: Uint8Array;
  readonly unusedBits: number;
}

/** An open type (ANY, ANY DEFINED BY, an OCTET STRING CONTAINING a registered type): the exact DER, and the decoded value when its identifier is registered. */
export interface OpenValue<T = unknown> {
  /** Exact bytes as decoded; the encoder writes them verbatim while present. */
  readonly der?: Uint8Array;
  readonly value?: T;
}

function fail(code: string, offset: number, expected: string): never {
  throw new DecodeError(code, offset, '', expected);
}

/**
 * The content octets of a primitive-form value. In BER mode a constructed encoding of a string
 * type (X.690 §8.7.3, §8.23.6) is accepted and its segments are joined.
 */
export function primitiveContent(context: DecodeContext, header: TlvHeader): Uint8Array {
  if (!header.constructed) return context.bytes.subarray(header.contentStart, header.end);
  if (!context.ber) fail('DER_CONSTRUCTED_FORM', header.contentStart - header.headerLength, 'the primitive form (DER forbids constructed strings)');
  const segments: Uint8Array[] = [];
  collectSegments(context, header, segments, 0);
  return concatBytes(...segments);
}

function collectSegments(context: DecodeContext, header: TlvHeader, segments: Uint8Array[], depth: number): void {
  if (depth > context.maxDepth) fail('DER_DEPTH_LIMIT', header.contentStart, `segments nested at most ${context.maxDepth} deep`);
  let cursor = header.contentStart;
  while (cursor < header.end) {
    const inner = readTlvHeader(context.bytes, cursor, header.end, context);
    if (inner.constructed) collectSegments(context, inner, segments, depth + 1);
    else segments.push(context.bytes.subarray(inner.contentStart, inner.end));
    cursor = inner.elementEnd;
  }
}

function requirePrimitive(context: DecodeContext, header: TlvHeader, what: string): void {
  if (header.constructed) fail('DER_CONSTRUCTED_FORM', header.contentStart - header.headerLength, `the primitive form of ${what}`);
  void context;
}

export function decodeBoolean(context: DecodeContext, header: TlvHeader): boolean {
  requirePrimitive(context, header, 'a BOOLEAN');
  if (header.length !== 1) fail('DER_BAD_BOOLEAN', header.contentStart, 'a BOOLEAN of one content octet');
  const octet = context.bytes[header.contentStart] as number;
  if (octet === 0) return false;
  if (octet !== 0xff && !context.ber) fail('DER_BAD_BOOLEAN', header.contentStart, 'TRUE encoded as 0xff (X.690 §11.1)');
  return true;
}

export function decodeNull(context: DecodeContext, header: TlvHeader): null {
  requirePrimitive(context, header, 'NULL');
  if (header.length !== 0) fail('DER_BAD_NULL', header.contentStart, 'NULL with no content octets');
  return null;
}

function checkIntegerContent(context: DecodeContext, header: TlvHeader): void {
  requirePrimitive(context, header, 'an INTEGER');
  if (header.length === 0) fail('DER_NON_MINIMAL_INTEGER', header.contentStart, 'an INTEGER of at least one content octet');
  if (header.length > 1 && !context.ber) {
    const first = context.bytes[header.contentStart] as number;
    const second = context.bytes[header.contentStart + 1] as number;
    if ((first === 0 && second < 0x80) || (first === 0xff && second >= 0x80)) {
      fail('DER_NON_MINIMAL_INTEGER', header.contentStart, 'an INTEGER in the fewest octets (X.690 §8.3.2)');
    }
  }
}

/** INTEGER as bigint: exact for any size (certificate serial numbers run to 20 octets). */
export function decodeBigInteger(context: DecodeContext, header: TlvHeader): bigint {
  checkIntegerContent(context, header);
  const bytes = context.bytes;
  const start = header.contentStart;
  const length = header.length;
  if (length <= 6) return BigInt(smallInteger(bytes, start, length));
  let hex = '';
  for (let index = start; index < start + length; index += 1) hex += HEX_PAIRS[bytes[index] as number];
  const magnitude = BigInt(`0x${hex}`);
  return ((bytes[start] as number) & 0x80) !== 0 ? magnitude - (1n << BigInt(length * 8)) : magnitude;
}

/** INTEGER as number, for types whose values are known to be small (named numbers, small ranges). */
export function decodeSmallInteger(context: DecodeContext, header: TlvHeader): number {
  checkIntegerContent(context, header);
  if (header.length > 6) fail('DER_INTEGER_RANGE', header.contentStart, 'an INTEGER of at most six octets for this type');
  return smallInteger(context.bytes, header.contentStart, header.length);
}

function smallInteger(bytes: Uint8Array, start: number, length: number): number {
  let value = (bytes[start] as number) & 0x80 ? -1 : 0;
  for (let index = start; index < start + length; index += 1) value = value * 256 + (bytes[index] as number);
  return value;
}

export function decodeEnumerated(context: DecodeContext, header: TlvHeader): number {
  return decodeSmallInteger(context, header);
}

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));

export function decodeObjectIdentifier(context: DecodeContext, header: TlvHeader): string {
  requirePrimitive(context, header, 'an OBJECT IDENTIFIER');
  return objectIdentifierText(context.bytes, header.contentStart, header.end, false);
}

export function decodeRelativeOid(context: DecodeContext, header: TlvHeader): string {
  requirePrimitive(context, header, 'a RELATIVE-OID');
  return objectIdentifierText(context.bytes, header.contentStart, header.end, true);
}

/** X.690 §8.19: base-128 subidentifiers, each in the fewest octets; the first packs two arcs. */
export function objectIdentifierText(bytes: Uint8Array, start: number, end: number, relative: boolean): string {
  if (start >= end) fail('DER_BAD_OID', start, 'an OBJECT IDENTIFIER of at least one content octet');
  if (((bytes[end - 1] as number) & 0x80) !== 0) fail('DER_BAD_OID', end - 1, 'a last subidentifier octet without the continuation bit');
  let text = '';
  let cursor = start;
  let first = !relative;
  while (cursor < end) {
    if (bytes[cursor] === 0x80) fail('DER_BAD_OID', cursor, 'a subidentifier without leading 0x80 octets (X.690 §8.19.2)');
    let value = 0;
    let big: bigint | undefined;
    for (;;) {
      const octet = bytes[cursor] as number;
      cursor += 1;
      if (big === undefined && value >= 2 ** 45) big = BigInt(value);
      if (big === undefined) value = value * 128 + (octet & 0x7f);
      else big = big * 128n + BigInt(octet & 0x7f);
      if ((octet & 0x80) === 0) break;
    }
    if (first) {
      first = false;
      if (big !== undefined) text = `2.${(big - 80n).toString()}`;
      else text = value < 40 ? `0.${value}` : value < 80 ? `1.${value - 40}` : `2.${value - 80}`;
    } else {
      const arc = big === undefined ? String(value) : big.toString();
      text = text === '' ? arc : `${text}.${arc}`;
    }
  }
  return text;
}

export function decodeBitString(context: DecodeContext, header: TlvHeader): BitString {
  const content = header.constructed ? primitiveContentOfBitString(context, header) : context.bytes.subarray(header.contentStart, header.end);
  if (content.length === 0) fail('DER_BAD_BIT_STRING', header.contentStart, 'a BIT STRING with its unused-bits octet');
  const unusedBits = content[0] as number;
  if (unusedBits > 7) fail('DER_BAD_BIT_STRING', header.contentStart, 'an unused-bits count of 0 to 7');
  if (content.length === 1 && unusedBits !== 0) fail('DER_BAD_BIT_STRING', header.contentStart, 'no unused bits in an empty BIT STRING');
  if (unusedBits !== 0 && !context.ber) {
    const last = content[content.length - 1] as number;
    if ((last & ((1 << unusedBits) - 1)) !== 0) fail('DER_BAD_BIT_STRING', header.end - 1, 'unused bits set to zero (X.690 §11.2.1)');
  }
  return { bytes: content.subarray(1), unusedBits };
}

/** DER for a BIT STRING with named bits (X.690 §11.2.2): no trailing zero bits. */
export function checkNamedBitString(context: DecodeContext, header: TlvHeader, value: BitString): void {
  if (context.ber || value.bytes.length === 0) return;
  const last = value.bytes[value.bytes.length - 1] as number;
  if (last === 0 || (last & (1 << value.unusedBits)) === 0) {
    fail('DER_BAD_BIT_STRING', header.end - 1, 'a named-bit BIT STRING without trailing zero bits (X.690 §11.2.2)');
  }
}

function primitiveContentOfBitString(context: DecodeContext, header: TlvHeader): Uint8Array {
  if (!context.ber) fail('DER_CONSTRUCTED_FORM', header.contentStart - header.headerLength, 'the primitive form (DER forbids constructed strings)');
  const segments: Uint8Array[] = [];
  collectSegments(context, header, segments, 0);
  // Every segment carries its own unused-bits octet; only the last may be non-zero.
  let total = 1;
  for (const segment of segments) total += Math.max(segment.length - 1, 0);
  const joined = new Uint8Array(total);
  let offset = 1;
  segments.forEach((segment, index) => {
    if (segment.length === 0) fail('DER_BAD_BIT_STRING', header.contentStart, 'BIT STRING segments with an unused-bits octet');
    if (index < segments.length - 1 && segment[0] !== 0) fail('DER_BAD_BIT_STRING', header.contentStart, 'unused bits only in the last segment');
    joined.set(segment.subarray(1), offset);
    offset += segment.length - 1;
    if (index === segments.length - 1) joined[0] = segment[0] as number;
  });
  return joined;
}

export function decodeOctetString(context: DecodeContext, header: TlvHeader): Uint8Array {
  return primitiveContent(context, header);
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16Decoder = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

/** Decodes octets whose every value is accepted by `allowed`, as Latin-1 (so each octet is one character). */
function asciiText(content: Uint8Array, offset: number, allowed: (octet: number) => boolean, what: string): string {
  let text = '';
  for (let index = 0; index < content.length; index += 1) {
    const octet = content[index] as number;
    if (!allowed(octet)) fail('DER_BAD_STRING', offset + index, `${what}, found octet 0x${HEX_PAIRS[octet]}`);
    text += String.fromCharCode(octet);
  }
  return text;
}

function stringOffset(header: TlvHeader): number {
  return header.contentStart;
}

export function decodeUtf8String(context: DecodeContext, header: TlvHeader): string {
  const content = primitiveContent(context, header);
  let ascii = true;
  for (let index = 0; index < content.length; index += 1) {
    if ((content[index] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return asciiText(content, stringOffset(header), () => true, 'ASCII');
  try {
    return utf8Decoder.decode(content);
  } catch {
    fail('DER_BAD_STRING', stringOffset(header), 'well-formed UTF-8 in a UTF8String');
  }
}

/** X.680 §41.4 Table 10: letters, digits, space and ' ( ) + , - . / : = ? */
export function isPrintableCharacter(octet: number): boolean {
  return (
    (octet >= 0x41 && octet <= 0x5a) ||
    (octet >= 0x61 && octet <= 0x7a) ||
    (octet >= 0x30 && octet <= 0x39) ||
    octet === 0x20 ||
    (octet >= 0x27 && octet <= 0x29) ||
    (octet >= 0x2b && octet <= 0x2f) ||
    octet === 0x3a ||
    octet === 0x3d ||
    octet === 0x3f
  );
}

export function decodePrintableString(context: DecodeContext, header: TlvHeader): string {
  return asciiText(primitiveContent(context, header), stringOffset(header), isPrintableCharacter, 'a PrintableString character (X.680 §41.4)');
}

export function decodeIa5String(context: DecodeContext, header: TlvHeader): string {
  return asciiText(primitiveContent(context, header), stringOffset(header), (octet) => octet < 0x80, 'an IA5String character (0x00–0x7f)');
}

export function decodeVisibleString(context: DecodeContext, header: TlvHeader): string {
  return asciiText(primitiveContent(context, header), stringOffset(header), (octet) => octet >= 0x20 && octet <= 0x7e, 'a VisibleString character (0x20–0x7e)');
}

export function decodeNumericString(context: DecodeContext, header: TlvHeader): string {
  return asciiText(primitiveContent(context, header), stringOffset(header), (octet) => octet === 0x20 || (octet >= 0x30 && octet <= 0x39), 'a NumericString character (digit or space)');
}

/** TeletexString, VideotexString, GraphicString, GeneralString: kept one character per octet so they re-encode exactly. */
export function decodeOctetCharacterString(context: DecodeContext, header: TlvHeader): string {
  return asciiText(primitiveContent(context, header), stringOffset(header), () => true, 'an octet');
}

export function decodeBmpString(context: DecodeContext, header: TlvHeader): string {
  const content = primitiveContent(context, header);
  if (content.length % 2 !== 0) fail('DER_BAD_STRING', stringOffset(header), 'a BMPString of an even number of octets');
  try {
    return utf16Decoder.decode(content);
  } catch {
    fail('DER_BAD_STRING', stringOffset(header), 'UTF-16 without lone surrogates in a BMPString');
  }
}

export function decodeUniversalString(context: DecodeContext, header: TlvHeader): string {
  const content = primitiveContent(context, header);
  if (content.length % 4 !== 0) fail('DER_BAD_STRING', stringOffset(header), 'a UniversalString of a multiple of four octets');
  let text = '';
  for (let index = 0; index < content.length; index += 4) {
    const point = (((content[index] as number) << 24) | ((content[index + 1] as number) << 16) | ((content[index + 2] as number) << 8) | (content[index + 3] as number)) >>> 0;
    if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) fail('DER_BAD_STRING', stringOffset(header) + index, 'a Unicode scalar value in a UniversalString');
    text += String.fromCodePoint(point);
  }
  return text;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function digitsAt(text: string, from: number, count: number): number {
  let value = 0;
  for (let index = from; index < from + count; index += 1) {
    const code = text.charCodeAt(index);
    if (!(code >= 0x30 && code <= 0x39)) return -1;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

function buildDate(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond: number): Date | undefined {
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > days) return undefined;
  // Date.UTC maps years 0–99 to 1900–1999; only GeneralizedTime can carry them, so set those apart.
  if (year < 100) {
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, millisecond);
    return date;
  }
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond));
}

/** UTCTime: DER requires `YYMMDDHHMMSSZ` (X.690 §11.8); BER also takes no seconds and ±hhmm offsets. Years 50–99 are 19xx (RFC 5280 §4.1.2.5.1). */
/** Two ASCII digits at `index`, or -1. */
function twoDigits(bytes: Uint8Array, index: number): number {
  const high = (bytes[index] as number) - 0x30;
  const low = (bytes[index + 1] as number) - 0x30;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

/** The strict DER form YYMMDDHHMMSSZ read straight from the bytes (the common case: no strings, no regex). */
function fastUtcTime(bytes: Uint8Array, start: number): Date | undefined {
  if (bytes[start + 12] !== 0x5a) return undefined;
  const yy = twoDigits(bytes, start);
  const month = twoDigits(bytes, start + 2);
  const day = twoDigits(bytes, start + 4);
  const hour = twoDigits(bytes, start + 6);
  const minute = twoDigits(bytes, start + 8);
  const second = twoDigits(bytes, start + 10);
  if (yy < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  return buildDate(yy >= 50 ? 1900 + yy : 2000 + yy, month, day, hour, minute, second, 0);
}

export function decodeUtcTime(context: DecodeContext, header: TlvHeader): Date {
  if (!header.constructed && header.length === 13) {
    const date = fastUtcTime(context.bytes, header.contentStart);
    if (date !== undefined) return date;
  }
  const content = primitiveContent(context, header);
  const text = asciiText(content, header.contentStart, (octet) => octet < 0x80, 'an ASCII character in a UTCTime');
  const date = parseUtcTime(text, context.ber);
  if (date === undefined) fail('DER_BAD_TIME', header.contentStart, `a UTCTime of the form YYMMDDHHMMSSZ, found "${text}"`);
  return date;
}

function parseUtcTime(text: string, ber: boolean): Date | undefined {
  const strict = /^\d{12}Z$/;
  const lenient = /^(\d{10})(\d{2})?(Z|[+-]\d{4})$/;
  if (!ber && !strict.test(text)) return undefined;
  const match = lenient.exec(text);
  if (match === null) return undefined;
  const yy = digitsAt(text, 0, 2);
  const year = yy >= 50 ? 1900 + yy : 2000 + yy;
  const date = buildDate(year, digitsAt(text, 2, 2), digitsAt(text, 4, 2), digitsAt(text, 6, 2), digitsAt(text, 8, 2), match[2] === undefined ? 0 : Number(match[2]), 0);
  return date === undefined ? undefined : applyOffset(date, match[3] ?? 'Z');
}

function applyOffset(date: Date, zone: string): Date | undefined {
  if (zone === 'Z') return date;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(3, 5));
  if (hours > 23 || minutes > 59) return undefined;
  const sign = zone.startsWith('+') ? -1 : 1;
  return new Date(date.getTime() + sign * (hours * 60 + minutes) * 60_000);
}

/** GeneralizedTime: DER requires `YYYYMMDDHHMMSS[.fff]Z`, the fraction without trailing zeros (X.690 §11.7). */
export function decodeGeneralizedTime(context: DecodeContext, header: TlvHeader): Date {
  if (!header.constructed && header.length === 15 && context.bytes[header.contentStart + 14] === 0x5a) {
    const bytes = context.bytes;
    const start = header.contentStart;
    const century = twoDigits(bytes, start);
    const year = twoDigits(bytes, start + 2);
    const date =
      century < 0 || year < 0
        ? undefined
        : buildDate(century * 100 + year, twoDigits(bytes, start + 4), twoDigits(bytes, start + 6), twoDigits(bytes, start + 8), twoDigits(bytes, start + 10), twoDigits(bytes, start + 12), 0);
    if (date !== undefined) return date;
  }
  const content = primitiveContent(context, header);
  const text = asciiText(content, header.contentStart, (octet) => octet < 0x80, 'an ASCII character in a GeneralizedTime');
  const date = parseGeneralizedTime(text, context.ber);
  if (date === undefined) fail('DER_BAD_TIME', header.contentStart, `a GeneralizedTime of the form YYYYMMDDHHMMSS[.fff]Z, found "${text}"`);
  return date;
}

function parseGeneralizedTime(text: string, ber: boolean): Date | undefined {
  const pattern = ber ? /^(\d{10})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/ : /^(\d{10})(\d{2})(\d{2})(?:\.(\d*[1-9]))?(Z)$/;
  const match = pattern.exec(text);
  if (match === null) return undefined;
  const fraction = match[4] ?? '';
  if (!ber && fraction.length > 3) return undefined;
  const millisecond = fraction === '' ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  const date = buildDate(
    digitsAt(text, 0, 4),
    digitsAt(text, 4, 2),
    digitsAt(text, 6, 2),
    digitsAt(text, 8, 2),
    match[2] === undefined ? 0 : Number(match[2]),
    match[3] === undefined ? 0 : Number(match[3]),
    millisecond,
  );
  return date === undefined ? undefined : applyOffset(date, match[5] ?? 'Z');
}

/** Compares two byte ranges as unsigned octet strings (X.690 §11.6: SET OF order). */
export function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let index = 0; index < length; index += 1) {
    const difference = (a[aStart + index] as number) - (b[bStart + index] as number);
    if (difference !== 0) return difference;
  }
  return aEnd - aStart - (bEnd - bStart);
}
