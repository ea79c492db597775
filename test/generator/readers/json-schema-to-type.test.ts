import { describe, expect, it } from 'vitest';
import { jsonSchemaToType } from '../../../generator/readers/json-schema-to-type.js';
import { printType } from '../../../generator/printer/type-printer.js';

/** Printed on one line, as prettier would not, to keep expectations short. */
const print = (schema: unknown) => printType(jsonSchemaToType(schema, (ref) => `Ref<${ref}>`)).replace(/\n/g, ' ').replace(/\{ {2,}/g, '{ ');

describe('jsonSchemaToType', () => {
  it.each([
    [{ type: 'string' }, 'string'],
    [{ type: 'integer' }, 'number'],
    [{ type: ['string', 'null'] }, 'string | null'],
    [{ const: 'a' }, '"a"'],
    [{ enum: ['a', 1, true, null] }, '"a" | 1 | true | null'],
    [{ type: 'array', items: { type: 'string' } }, 'string[]'],
    [{ type: 'array', items: { enum: ['a', 'b'] } }, '("a" | "b")[]'],
    [{ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false }, '[string, number]'],
    [{ type: 'array', prefixItems: [{ type: 'string' }], items: { type: 'number' } }, '[string, ...number[]]'],
    [{ $ref: 'x.yaml' }, 'Ref<x.yaml>'],
    [{ allOf: [{ $ref: 'a' }, { $ref: 'b' }] }, 'Ref<a> & Ref<b>'],
    [{ oneOf: [{ $ref: 'a' }, { type: 'string' }] }, 'Ref<a> | string'],
    [{}, 'unknown'],
    [true, 'unknown'],
    [false, 'never'],
    [{ type: 'object', additionalProperties: false }, 'Record<string, never>'],
    [{ type: 'object', additionalProperties: { type: 'string' } }, '{ [key: string]: string; }'],
  ])('%j → %s', (schema, expected) => {
    expect(print(schema)).toBe(expected);
  });

  it('marks optional properties and closes objects without additional properties', () => {
    expect(
      print({
        type: 'object',
        additionalProperties: false,
        required: ['a'],
        properties: { a: { type: 'string' }, 'b-c': { type: 'number' } },
      }),
    ).toBe('{ a: string; "b-c"?: number; }');
  });

  it('types a required property that has no schema as unknown', () => {
    expect(print({ type: 'object', additionalProperties: false, required: ['x'] })).toBe('{ x: unknown; }');
  });

  it('ignores keywords that only narrow values', () => {
    expect(print({ type: 'string', pattern: '^a$', minLength: 1, not: { const: 'b' } })).toBe('string');
  });
});

describe('allOf members that only constrain', () => {
  it('leave the type as it is', () => {
    expect(print({ type: 'string', allOf: [{ if: { const: 'a' }, then: { minLength: 1 } }] })).toBe('string');
  });
});

describe('a bare `type: object` beside oneOf', () => {
  it('adds nothing to the union of object branches', () => {
    expect(print({ type: 'object', oneOf: [{ $ref: 'a' }, { $ref: 'b' }] })).toBe('Ref<a> | Ref<b>');
  });
});
