/**
 * A DER SEQUENCE OF / SET OF content read lazily: opening walks the element headers only
 * (checking strict DER framing) and keeps each element's offset in one typed array; an element
 * is decoded when asked for. Built for lists of millions of elements (CRLs of 100 MB) where
 * decoding everything up front costs seconds and gigabytes (see reference/anchors.md).
 */
import { DecodeError } from './decode-error.js';
import { DEFAULT_LIMITS } from './decode-context.js';
import { readTlvHeader } from './tlv.js';

/** Decodes the element whose TLV spans bytes[offset, end). Throws DecodeError on bad input. */
export type DecodeElement<T> = (bytes: Uint8Array, offset: number, end: number) => T;

export interface LazySequenceOfOptions {
  /** Path of the SEQUENCE OF in the enclosing value, for errors: `tbsCertList.revokedCertificates`. */
  readonly path?: string;
  /** When set, every element must carry this tag (first identifier octet, e.g. 0x30). */
  readonly elementTag?: number;
  /** Most elements accepted (DER_SIZE_LIMIT beyond); the decoders' default, 16M, unless set. */
  readonly maxElements?: number;
}

export class LazySequenceOf<T> implements Iterable<T> {
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly path: string;
  readonly length: number;
  readonly #decodeElement: DecodeElement<T>;
  /** Element i spans [offsets[i], offsets[i + 1]): elements fill the content with no gaps. */
  readonly #offsets: Uint32Array;

  /** `start`/`end` delimit the SEQUENCE OF's content (not its header). */
  constructor(bytes: Uint8Array, start: number, end: number, decodeElement: DecodeElement<T>, options?: LazySequenceOfOptions) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > bytes.length) {
      throw new RangeError(`content range [${start}, ${end}) does not lie within ${bytes.length} bytes`);
    }
    // Offsets are kept as 32-bit numbers: 4 GiB is far beyond the CRLs this is for.
    if (end > 0xffffffff) throw new RangeError('LazySequenceOf holds offsets below 4 GiB only');
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.path = options?.path ?? '';
    this.#decodeElement = decodeElement;
    this.#offsets = walkElementOffsets(bytes, start, end, this.path, options?.elementTag, options?.maxElements ?? DEFAULT_LIMITS.maxElements);
    this.length = this.#offsets.length - 1;
  }

  /** The decoded element at `index` (negative counts from the end, as Array.prototype.at), or undefined. */
  at(index: number): T | undefined {
    const resolved = index < 0 ? this.length + index : index;
    if (!Number.isInteger(resolved) || resolved < 0 || resolved >= this.length) return undefined;
    return this.#decode(resolved);
  }

  /** Offset of element `index`'s tag in `bytes`. */
  elementOffset(index: number): number {
    this.#checkIndex(index);
    return this.#offsets[index] as number;
  }

  /** Offset just past element `index`. */
  elementEnd(index: number): number {
    this.#checkIndex(index);
    return this.#offsets[index + 1] as number;
  }

  /** Element `index`'s complete DER (tag, length, content), a view into `bytes`. */
  elementBytes(index: number): Uint8Array {
    this.#checkIndex(index);
    return this.bytes.subarray(this.#offsets[index], this.#offsets[index + 1]);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let index = 0; index < this.length; index += 1) yield this.#decode(index);
  }

  #decode(index: number): T {
    const offset = this.#offsets[index] as number;
    const end = this.#offsets[index + 1] as number;
    try {
      return this.#decodeElement(this.bytes, offset, end);
    } catch (error) {
      throw error instanceof DecodeError ? error.prependPath(`${this.path}[${index}]`) : error;
    }
  }

  #checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`element ${index} of ${this.length}`);
  }
}

/** Walks the headers of the elements filling [start, end) and returns their offsets plus `end`. */
export function walkElementOffsets(bytes: Uint8Array, start: number, end: number, path: string, elementTag?: number, maxElements: number = DEFAULT_LIMITS.maxElements): Uint32Array {
  // A DER element takes at least two bytes, which bounds the count without a second pass.
  let offsets = new Uint32Array(Math.min(1024, ((end - start) >>> 1) + 1));
  let count = 0;
  let cursor = start;
  while (cursor < end) {
    let header;
    try {
      // No path string per element: it is only built when something is wrong.
      header = readTlvHeader(bytes, cursor, end);
    } catch (error) {
      throw error instanceof DecodeError ? error.prependPath(`${path}[${count}]`) : error;
    }
    if (elementTag !== undefined && header.tag !== elementTag) {
      throw new DecodeError('DER_UNEXPECTED_TAG', cursor, `${path}[${count}]`, `tag 0x${elementTag.toString(16)}, found 0x${header.tag.toString(16)}`);
    }
    if (count === maxElements) throw new DecodeError('DER_SIZE_LIMIT', cursor, path, `at most ${maxElements} elements (maxElements)`);
    if (count + 1 >= offsets.length) {
      const grown = new Uint32Array(Math.min(offsets.length * 2, ((end - start) >>> 1) + 1));
      grown.set(offsets);
      offsets = grown;
    }
    offsets[count] = cursor;
    count += 1;
    cursor = header.end;
  }
  offsets[count] = end;
  return offsets.length === count + 1 ? offsets : offsets.slice(0, count + 1);
}
