/**
 * The generated validators against an independent JSON Schema 2020-12 implementation
 * (@cfworker/json-schema), fed the spec files as they are written, with their relative `$ref`s
 * resolved by URI rules rather than by our reader: both must agree on every example.
 */
import { describe, expect, it } from 'vitest';
import { Validator, type Schema } from '@cfworker/json-schema';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { messageDescriptors } from '../../generated/messages/index.js';
import { repositoryRoot } from '../helpers/temporary-project.js';

const messagesRoot = path.join(repositoryRoot, 'spec/messages');
const specFiles = (readdirSync(messagesRoot, { recursive: true }) as string[]).filter((file) => file.endsWith('.yaml')).sort();
const baseUri = (file: string) => `https://spec.jpkigen.invalid/messages/${file.split(path.sep).join('/')}`;
const schemas = new Map(specFiles.map((file) => [file, parseYaml(readFileSync(path.join(messagesRoot, file), 'utf8')) as Schema]));

function independentValidator(file: string): Validator {
  const validator = new Validator({ ...schemas.get(file), $id: baseUri(file) } as Schema, '2020-12', false);
  for (const [other, schema] of schemas) if (other !== file) validator.addSchema({ ...schema, $id: baseUri(other) } as Schema);
  return validator;
}

describe.each(specFiles)('%s', (file) => {
  const schema = schemas.get(file) as Record<string, unknown>;
  const descriptor = messageDescriptors[schema['title'] as keyof typeof messageDescriptors];
  const independent = independentValidator(file);
  const examples = (schema['examples'] ?? []) as unknown[];
  const invalid = (schema['x-invalid-examples'] ?? []) as { description: string; value: unknown }[];

  it('is generated', () => {
    expect(descriptor).toBeDefined();
  });
  it.each(examples.map((value, index) => [index, value]))('both accept example %i', (_index, value) => {
    expect(independent.validate(value).valid).toBe(true);
    expect(descriptor.validate(value)).toBe(true);
  });
  it.each(invalid.map((example) => [example.description, example.value]))('both reject: %s', (_description, value) => {
    expect(independent.validate(value).valid).toBe(false);
    expect(descriptor.validate(value)).toBe(false);
  });
});
