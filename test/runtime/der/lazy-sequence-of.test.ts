import { describe, expect, it } from 'vitest';
import { concatBytes, integer, octetString, sequence } from '../../../bench/fixtures/der-writer.js';
import { DecodeError } from '../../../runtime/der/decode-error.js';
import { LazySequenceOf } from '../../../runtime/der/lazy-sequence-of.js';
import { readTlvHeader } from '../../../runtime/der/tlv.js';

/** Decodes an INTEGER element of at most 6 bytes, counting how often it is asked to. */
function countingIntegerDecoder(): { decode: (bytes: Uint8Array, offset: number, end: number) => number; calls: () => number } {
  let calls = 0;
  return {
    decode: (bytes, offset, end) => {
      calls += 1;
      const header = readTlvHeader(bytes, offset, end);
      if (header.tag !== 0x02) throw new DecodeError('DER_UNEXPECTED_TAG', offset, 'value', 'INTEGER');
      let value = 0;
      for (let index = header.contentStart; index < header.end; index += 1) value = value * 256 + (bytes[index] as number);
      return value;
    },
    calls: () => calls,
  };
}

/** The content of a SEQUENCE OF, with a prefix so offsets are not trivially zero. */
function contentOf(...elements: Uint8Array[]): { bytes: Uint8Array; start: number; end: number } {
  const prefix = Uint8Array.of(0xde, 0xad, 0xbe);
  const content = concatBytes(elements);
  return { bytes: concatBytes([prefix, content]), start: prefix.length, end: prefix.length + content.length };
}

function decodeErrorOf(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

describe('LazySequenceOf', () => {
  it('counts elements from their headers and decodes only the ones asked for', () => {
    const values = [0, 1, 127, 128, 65_535, 2 ** 40];
    const { bytes, start, end } = contentOf(...values.map((value) => integer(value)));
    const decoder = countingIntegerDecoder();
    const list = new LazySequenceOf(bytes, start, end, decoder.decode, { path: 'numbers', elementTag: 0x02 });
    expect(list.length).toBe(values.length);
    expect(decoder.calls()).toBe(0);
    expect(list.at(3)).toBe(128);
    expect(decoder.calls()).toBe(1);
    expect(list.at(-1)).toBe(2 ** 40);
    expect(list.at(values.length)).toBeUndefined();
    expect(list.at(-values.length - 1)).toBeUndefined();
    expect(list.at(1.5)).toBeUndefined();
    expect([...list]).toEqual(values);
    expect(list.elementOffset(0)).toBe(start);
    expect(list.elementEnd(values.length - 1)).toBe(end);
    expect(list.elementBytes(2)).toEqual(integer(127));
    expect(() => list.elementBytes(values.length)).toThrow(RangeError);
  });

  it('holds long lists: 200,000 elements with offsets beyond 65,535', () => {
    const element = octetString(new Uint8Array(3));
    const count = 200_000;
    const bytes = new Uint8Array(count * element.length);
    for (let index = 0; index < count; index += 1) bytes.set(element, index * element.length);
    const list = new LazySequenceOf(bytes, 0, bytes.length, (all, offset, end) => all.subarray(offset, end).length);
    expect(list.length).toBe(count);
    expect(list.elementOffset(count - 1)).toBe((count - 1) * element.length);
    expect(list.at(count - 1)).toBe(element.length);
  });

  it('is empty for empty content', () => {
    const list = new LazySequenceOf(new Uint8Array(4), 2, 2, () => 1);
    expect(list.length).toBe(0);
    expect([...list]).toEqual([]);
  });

  it('names the element index in errors from the element decoder', () => {
    const { bytes, start, end } = contentOf(integer(1), octetString(Uint8Array.of(1)), integer(3));
    const list = new LazySequenceOf(bytes, start, end, countingIntegerDecoder().decode, { path: 'numbers' });
    expect(list.length).toBe(3);
    const error = decodeErrorOf(() => list.at(1));
    expect(error.path).toBe('numbers[1].value');
    expect(error.offset).toBe(start + 3);
    expect(error.code).toBe('DER_UNEXPECTED_TAG');
    expect(() => [...list]).toThrow(DecodeError);
  });

  const malformed: readonly (readonly [string, Uint8Array, string, number])[] = [
    // [case, content, code, offset of the fault within the content]
    ['a truncated last element', Uint8Array.of(0x02, 0x01, 0x05, 0x02, 0x02, 0x01), 'DER_OVERRUN', 3],
    ['a header cut after the tag', Uint8Array.of(0x02, 0x01, 0x05, 0x02), 'DER_TRUNCATED', 4],
    ['a length in two bytes where one will do', Uint8Array.of(0x02, 0x81, 0x01, 0x05), 'DER_NON_MINIMAL_LENGTH', 1],
    ['a long form with a leading zero byte', concatBytes([Uint8Array.of(0x04, 0x82, 0x00, 0x80), new Uint8Array(0x80)]), 'DER_NON_MINIMAL_LENGTH', 1],
    ['an indefinite length', Uint8Array.of(0x30, 0x80, 0x00, 0x00), 'DER_INDEFINITE_LENGTH', 1],
    ['an element running past the end', Uint8Array.of(0x02, 0x01, 0x05, 0x02, 0x05, 0x01, 0x02), 'DER_OVERRUN', 3],
    ['an element of the wrong tag', Uint8Array.of(0x02, 0x01, 0x05, 0x04, 0x01, 0x05), 'DER_UNEXPECTED_TAG', 3],
  ];
  it.each(malformed)('rejects %s with a located DecodeError', (_, content, code, offsetInContent) => {
    const { bytes, start, end } = contentOf(content);
    const error = decodeErrorOf(() => new LazySequenceOf(bytes, start, end, () => 0, { path: 'list', elementTag: 0x02 }));
    expect(error.code).toBe(code);
    expect(error.offset).toBe(start + offsetInContent);
    expect(error.path).toMatch(/^list\[\d+\]$/);
  });

  it('stops at maxElements with DER_SIZE_LIMIT', () => {
    const { bytes, start, end } = contentOf(integer(1), integer(2), integer(3));
    expect(new LazySequenceOf(bytes, start, end, () => 0, { maxElements: 3 }).length).toBe(3);
    const error = decodeErrorOf(() => new LazySequenceOf(bytes, start, end, () => 0, { path: 'list', maxElements: 2 }));
    expect([error.code, error.offset, error.path]).toEqual(['DER_SIZE_LIMIT', start + 6, 'list']);
  });

  it('rejects a range outside the buffer as a programming error', () => {
    expect(() => new LazySequenceOf(new Uint8Array(2), 0, 3, () => 0)).toThrow(RangeError);
  });
});
