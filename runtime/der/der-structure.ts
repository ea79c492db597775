/**
 * Structure helpers generated decoders call between their straight-line component reads:
 * peeking the next header, entering and leaving constructed values, SEQUENCE OF / SET OF loops,
 * open types, and the root call that turns every failure into a located DecodeError.
 */
import { compareBytes, type OpenValue } from './der-primitives.js';
import { DecodeError, rethrowWithPath } from './decode-error.js';
import { createDecodeContext, type DecodeContext, type DecodeOptions } from './decode-context.js';
import { readTlvHeader, type TlvHeader } from './tlv.js';
import { DerWriter, EncodeError, type EncodeOptions } from './der-writer.js';
import { LazySequenceOf } from './lazy-sequence-of.js';

/** The header at `position`, or undefined at the end of the enclosing value. */
export function peekHeader(context: DecodeContext, position: number, end: number): TlvHeader | undefined {
  return position < end ? readTlvHeader(context.bytes, position, end, context) : undefined;
}

/** Offset of the element's first identifier octet. */
export function elementStart(header: TlvHeader): number {
  return header.contentStart - header.headerLength;
}

/** The whole element, identifier to last content octet (end-of-contents included in BER). */
export function elementBytes(context: DecodeContext, header: TlvHeader): Uint8Array {
  return context.bytes.subarray(header.contentStart - header.headerLength, header.elementEnd);
}

export function enter(context: DecodeContext, header: TlvHeader): void {
  if (!header.constructed) throw new DecodeError('DER_CONSTRUCTED_FORM', elementStart(header), '', 'the constructed form');
  context.depth += 1;
  if (context.depth > context.maxDepth) {
    throw new DecodeError('DER_DEPTH_LIMIT', elementStart(header), '', `values nested at most ${context.maxDepth} deep (maxDepth)`);
  }
}

export function leave(context: DecodeContext, header: TlvHeader, position: number, next: TlvHeader | undefined): void {
  context.depth -= 1;
  if (next !== undefined || position !== header.end) {
    throw new DecodeError('DER_UNEXPECTED_TAG', position, '', `the end of the value, found an element with tag 0x${(next?.tag ?? 0).toString(16)}`);
  }
}

/** A required component is absent or has the wrong tag. */
export function missing(next: TlvHeader | undefined, position: number, expected: string): never {
  if (next === undefined) throw new DecodeError('DER_MISSING_COMPONENT', position, '', `${expected}, found the end of the enclosing value`);
  throw new DecodeError('DER_UNEXPECTED_TAG', position, '', `${expected}, found tag 0x${next.tag.toString(16)}`);
}

/** The single element inside an explicit tag, which it must fill exactly. */
export function explicitInner(context: DecodeContext, header: TlvHeader): TlvHeader {
  enter(context, header);
  const inner = readTlvHeader(context.bytes, header.contentStart, header.end, context);
  if (inner.elementEnd !== header.end) {
    throw new DecodeError('DER_TRAILING_BYTES', inner.elementEnd, '', 'one element inside an explicit tag');
  }
  context.depth -= 1;
  return inner;
}

function checkCount(context: DecodeContext, count: number, position: number): void {
  if (count > context.maxElements) throw new DecodeError('DER_SIZE_LIMIT', position, '', `at most ${context.maxElements} elements (maxElements)`);
}

/** SEQUENCE OF: every element must carry an accepted tag. Errors name the element index. */
export function readSequenceOf<T>(
  context: DecodeContext,
  header: TlvHeader,
  accepts: (tag: number, ber: boolean) => boolean,
  expected: string,
  readElement: (context: DecodeContext, element: TlvHeader) => T,
): T[] {
  enter(context, header);
  const values: T[] = [];
  let position = header.contentStart;
  const end = header.end;
  while (position < end) {
    const element = readTlvHeader(context.bytes, position, end, context);
    try {
      if (!accepts(element.tag, context.ber)) missing(element, position, expected);
      values.push(readElement(context, element));
    } catch (error) {
      rethrowWithPath(error, `[${values.length}]`, position);
    }
    position = element.elementEnd;
    if ((values.length & 0xffff) === 0) checkCount(context, values.length, position);
  }
  checkCount(context, values.length, position);
  context.depth -= 1;
  return values;
}

/** SET OF: as SEQUENCE OF, and in DER the encodings must be in ascending order (X.690 §11.6). */
export function readSetOf<T>(
  context: DecodeContext,
  header: TlvHeader,
  accepts: (tag: number, ber: boolean) => boolean,
  expected: string,
  readElement: (context: DecodeContext, element: TlvHeader) => T,
): T[] {
  if (!context.ber) checkSetOfOrder(context, header);
  return readSequenceOf(context, header, accepts, expected, readElement);
}

function checkSetOfOrder(context: DecodeContext, header: TlvHeader): void {
  if (!header.constructed) return;
  let previousStart = -1;
  let previousEnd = -1;
  let position = header.contentStart;
  let index = 0;
  while (position < header.end) {
    const element = readTlvHeader(context.bytes, position, header.end, context);
    if (previousStart >= 0 && compareBytes(context.bytes, previousStart, previousEnd, context.bytes, position, element.elementEnd) > 0) {
      throw new DecodeError('DER_SET_OF_UNSORTED', position, `[${index}]`, 'SET OF elements in ascending order of their encodings (X.690 §11.6)');
    }
    previousStart = position;
    previousEnd = element.elementEnd;
    position = element.elementEnd;
    index += 1;
  }
}

/** A registered open type: how to read and write the value an identifier selects. */
export interface OpenTypeEntry {
  /** Tag test for the value's outermost element; undefined when the identifier selects no value (absent parameters). */
  readonly accepts?: (tag: number, ber: boolean) => boolean;
  readonly read?: (context: DecodeContext, header: TlvHeader) => unknown;
  readonly write?: (writer: DerWriter, value: never, path: string) => void;
}

export type OpenTypeRegistry = ReadonlyMap<string, OpenTypeEntry>;

/** ANY DEFINED BY: keeps the element's exact bytes; decodes it too when the identifier is registered. */
export function readOpenElement<T = unknown>(context: DecodeContext, header: TlvHeader, registry: OpenTypeRegistry | undefined, id: unknown): OpenValue<T> {
  const der = elementBytes(context, header);
  const entry = typeof id === 'string' ? registry?.get(id) : undefined;
  if (entry?.read === undefined || entry.accepts === undefined) return { der };
  if (!entry.accepts(header.tag, context.ber)) missing(header, elementStart(header), `the value registered for ${String(id)}`);
  return { der, value: entry.read(context, header) as T };
}

/** OCTET STRING (CONTAINING …): the content octets, decoded as the registered type when the identifier is known. */
export function readContainingOctets<T = unknown>(context: DecodeContext, header: TlvHeader, content: Uint8Array, registry: OpenTypeRegistry | undefined, id: unknown): OpenValue<T> {
  const entry = typeof id === 'string' ? registry?.get(id) : undefined;
  if (entry?.read === undefined || entry.accepts === undefined) return { der: content };
  // In DER the content is a view of the same buffer, so offsets in errors stay absolute.
  const inner = header.constructed ? { ...context, bytes: content, depth: context.depth } : context;
  const start = header.constructed ? 0 : header.contentStart;
  const end = header.constructed ? content.length : header.end;
  const element = readTlvHeader(inner.bytes, start, end, inner);
  if (!entry.accepts(element.tag, inner.ber)) missing(element, start, `the value registered for ${String(id)}`);
  const value = entry.read(inner, element) as T;
  if (element.elementEnd !== end) throw new DecodeError('DER_TRAILING_BYTES', element.elementEnd, '', 'nothing after the contained value');
  return { der: content, value };
}

/** Writes an open value: its kept bytes, or its value through the registry. */
export function writeOpenElement(writer: DerWriter, value: OpenValue, registry: OpenTypeRegistry | undefined, id: unknown, path: string): void {
  const entry = typeof id === 'string' ? registry?.get(id) : undefined;
  if (value.der !== undefined && (writer.useKeptDer || value.value === undefined || entry?.write === undefined)) {
    writer.writeRaw(value.der);
    return;
  }
  if (entry?.write === undefined || value.value === undefined) throw new EncodeError(path, `kept DER or a value of a type registered for ${String(id)}`);
  entry.write(writer, value.value as never, path);
}

export function writeContainingOctets(writer: DerWriter, tag: number, value: OpenValue, registry: OpenTypeRegistry | undefined, id: unknown, path: string): void {
  const entry = typeof id === 'string' ? registry?.get(id) : undefined;
  if (value.der !== undefined && (writer.useKeptDer || value.value === undefined || entry?.write === undefined)) {
    writer.writeOctetString(tag, value.der);
    return;
  }
  if (entry?.write === undefined || value.value === undefined) throw new EncodeError(path, `kept DER or a value of a type registered for ${String(id)}`);
  const mark = writer.open(tag);
  entry.write(writer, value.value as never, path);
  writer.close(mark);
}

/** The top-level decode: one element filling the input (unless trailing bytes are allowed), errors rooted at the type name. */
export function decodeRoot<T>(
  bytes: Uint8Array,
  options: DecodeOptions | undefined,
  typeName: string,
  accepts: (tag: number, ber: boolean) => boolean,
  expected: string,
  read: (context: DecodeContext, header: TlvHeader) => T,
): T {
  const context = createDecodeContext(bytes, options, typeName);
  try {
    const header = readTlvHeader(bytes, 0, bytes.length, context);
    if (!accepts(header.tag, context.ber)) missing(header, 0, expected);
    const value = read(context, header);
    if (header.elementEnd !== bytes.length && options?.allowTrailingBytes !== true) {
      throw new DecodeError('DER_TRAILING_BYTES', header.elementEnd, '', `nothing after the ${typeName} (${bytes.length - header.elementEnd} trailing bytes)`);
    }
    return value;
  } catch (error) {
    return rethrowWithPath(error, typeName, 0);
  }
}

export function encodeRoot<T>(value: T, options: EncodeOptions | undefined, typeName: string, write: (writer: DerWriter, value: T, path: string) => void): Uint8Array {
  const writer = new DerWriter(options);
  write(writer, value, typeName);
  return writer.finish();
}

/** Encodes the elements of a SET OF and sorts them (X.690 §11.6). */
export function writeSetOf<T>(writer: DerWriter, tag: number, values: Iterable<T>, path: string, writeElement: (writer: DerWriter, value: T, path: string) => void): void {
  if (typeof (values as Iterable<T> | undefined)?.[Symbol.iterator] !== 'function') throw new EncodeError(path, 'an array');
  const mark = writer.open(tag);
  const boundaries: number[] = [];
  let index = 0;
  for (const value of values) {
    writeElement(writer, value, `${path}[${index}]`);
    boundaries.push(writer.position);
    index += 1;
  }
  writer.sortElementsSince(mark + 1, boundaries);
  writer.close(mark);
}

export function writeSequenceOf<T>(writer: DerWriter, tag: number, values: Iterable<T>, path: string, writeElement: (writer: DerWriter, value: T, path: string) => void): void {
  if (typeof (values as Iterable<T> | undefined)?.[Symbol.iterator] !== 'function') throw new EncodeError(path, 'an array');
  const mark = writer.open(tag);
  let index = 0;
  for (const value of values) {
    writeElement(writer, value, `${path}[${index}]`);
    index += 1;
  }
  writer.close(mark);
}

/** Compares for DEFAULT: a value equal to the default is not encoded (X.690 §11.5). */
export function equalsDefault(value: unknown, defaultValue: unknown): boolean {
  if (value === defaultValue) return true;
  if (typeof value === 'bigint' || typeof defaultValue === 'bigint') {
    return (typeof value === 'bigint' || typeof value === 'number') && (typeof defaultValue === 'bigint' || typeof defaultValue === 'number') && BigInt(value) === BigInt(defaultValue);
  }
  if (isBitStringLike(value) && isBitStringLike(defaultValue)) return bitStringsEqualIgnoringTrailingZeros(value, defaultValue);
  return false;
}

function isBitStringLike(value: unknown): value is { bytes: Uint8Array; unusedBits: number } {
  return typeof value === 'object' && value !== null && (value as { bytes?: unknown }).bytes instanceof Uint8Array;
}

function bitStringsEqualIgnoringTrailingZeros(a: { bytes: Uint8Array }, b: { bytes: Uint8Array }): boolean {
  const length = Math.max(a.bytes.length, b.bytes.length);
  for (let index = 0; index < length; index += 1) if ((a.bytes[index] ?? 0) !== (b.bytes[index] ?? 0)) return false;
  return true;
}

/** The DEFAULT value was encoded, which DER forbids (X.690 §11.5). */
export function defaultEncoded(context: DecodeContext, header: TlvHeader, component: string): void {
  if (context.ber) return;
  throw new DecodeError('DER_DEFAULT_ENCODED', elementStart(header), '', `${component} omitted when equal to its DEFAULT (X.690 §11.5)`);
}

/** A required component is missing from the value being encoded. */
export function requireComponent(value: unknown, path: string): void {
  if (value === undefined) throw new EncodeError(path, 'a value (the component is not OPTIONAL)');
}

export function unknownEnumerated(header: TlvHeader, value: number, expected: string): never {
  throw new DecodeError('DER_UNKNOWN_ENUMERATED', header.contentStart, '', `one of ${expected}, found ${value}`);
}

/** SIZE constraint on strings and SEQUENCE OF (X.680 §51.5); counts characters or elements. */
export function checkSize(header: TlvHeader, count: number, min: number, max: number): void {
  if (count < min || count > max) {
    throw new DecodeError('DER_CONSTRAINT', header.contentStart, '', `SIZE (${min}..${max === Infinity ? 'MAX' : max}), found ${count}`);
  }
}

/**
 * A SEQUENCE OF decoded lazily: only element headers are walked now; each element is decoded
 * (with the same strictness and limits) when it is read.
 */
export function lazySequenceOf<T>(
  context: DecodeContext,
  header: TlvHeader,
  elementTag: number | undefined,
  path: string,
  readElement: (context: DecodeContext, element: TlvHeader) => T,
): LazySequenceOf<T> {
  if (!header.constructed) throw new DecodeError('DER_CONSTRUCTED_FORM', elementStart(header), '', 'the constructed form');
  const base: DecodeContext = { ...context, depth: context.depth + 1 };
  return new LazySequenceOf(
    context.bytes,
    header.contentStart,
    header.end,
    (bytes, offset, end) => {
      const element = readTlvHeader(bytes, offset, end, base);
      return readElement({ ...base }, element);
    },
    elementTag === undefined ? { path } : { path, elementTag },
  );
}
