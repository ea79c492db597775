import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileMetaSchema } from '../../../generator/pipeline/meta-schema.js';
import { SpecError } from '../../../generator/spec-error.js';
import { parseYamlSource } from '../../../generator/yaml-source.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const metaSchemaText = readFileSync(path.join(repositoryRoot, 'spec/meta/message.schema.yaml'), 'utf8');
const checkMessage = compileMetaSchema({ path: 'spec/meta/message.schema.yaml', absolutePath: '', text: metaSchemaText, sha256: '' });

const valid = `$schema: https://json-schema.org/draft/2020-12/schema
title: Thing
description: a thing
x-provenance: { status: modelled }
type: object
properties:
  name: { type: string, minLength: 1 }
examples: [{ name: a }]
x-invalid-examples:
  - { description: empty, value: { name: "" }, errors: [{ pointer: /name, keyword: minLength }] }
`;

function metaError(text: string): SpecError {
  try {
    checkMessage(parseYamlSource('spec/messages/thing.yaml', text));
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected the meta-schema to reject the spec');
}

describe('message meta-schema', () => {
  it('accepts a well-formed message design', () => {
    expect(() => checkMessage(parseYamlSource('spec/messages/thing.yaml', valid))).not.toThrow();
  });

  it('names the line and column of a misspelt keyword', () => {
    const error = metaError(valid.replace('minLength: 1', 'minLenght: 1'));
    expect(error.code).toBe('SPEC_META_SCHEMA');
    expect(error.location).toEqual({ file: 'spec/messages/thing.yaml', line: 7, column: 25 });
    expect(error.expected).toContain("no property 'minLenght'");
  });

  it('requires a provenance', () => {
    const error = metaError(valid.replace('x-provenance: { status: modelled }\n', ''));
    expect(error.expected).toContain("required property 'x-provenance'");
    expect(error.location.line).toBe(1);
  });

  it('requires a source for public provenance', () => {
    const error = metaError(valid.replace('{ status: modelled }', '{ status: public }'));
    expect(error.pointer).toBe('/x-provenance');
    expect(error.expected).toContain("'source'");
  });

  it('rejects an invalid example without the pointer it must fail at', () => {
    const error = metaError(valid.replace('pointer: /name, ', ''));
    expect(error.pointer).toBe('/x-invalid-examples/0/errors/0');
  });

  it('rejects a type name that is not PascalCase', () => {
    const error = metaError(valid.replace('title: Thing', 'title: thing'));
    expect(error.pointer).toBe('/title');
    expect(error.location.line).toBe(2);
  });
});
