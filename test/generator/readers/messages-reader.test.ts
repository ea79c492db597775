import { describe, expect, it } from 'vitest';
import { readMessages } from '../../../generator/readers/messages-reader.js';
import { SpecError } from '../../../generator/spec-error.js';
import { parseYamlSource } from '../../../generator/yaml-source.js';

function source(file: string, yaml: string) {
  return parseYamlSource(file, yaml);
}

function message(title: string, body: string): string {
  return `$schema: https://json-schema.org/draft/2020-12/schema\ntitle: ${title}\ndescription: d\nx-provenance: { status: modelled }\nexamples: [1]\nx-invalid-examples: []\n${body}`;
}

function catchSpecError(run: () => unknown): SpecError {
  try {
    run();
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('expected a SpecError');
}

describe('readMessages', () => {
  it('resolves refs across files to type names and schema ids', () => {
    const ir = readMessages([
      source('spec/messages/a/kind.yaml', message('Kind', 'type: string\nenum: [x, y]')),
      source('spec/messages/b/holder.yaml', message('Holder', 'type: object\nproperties:\n  kind: { $ref: ../a/kind.yaml }\n  inner: { $ref: "#/$defs/Inner" }\n$defs:\n  Inner: { type: integer }')),
    ]);
    const holder = ir.messages.find((item) => item.name === 'Holder');
    expect(holder?.type).toEqual({
      kind: 'object',
      properties: [
        { name: 'kind', type: { kind: 'reference', name: 'Kind' }, required: false, description: undefined, provenance: undefined },
        { name: 'inner', type: { kind: 'reference', name: 'Inner' }, required: false, description: undefined, provenance: undefined },
      ],
      additionalProperties: { kind: 'unknown' },
    });
    expect(holder?.definitions.map((definition) => definition.name)).toEqual(['Inner']);
    expect(holder?.validationSchema).toEqual({
      $id: 'urn:jpkigen:message:Holder',
      type: 'object',
      properties: {
        kind: { $ref: 'urn:jpkigen:message:Kind' },
        inner: { $ref: 'urn:jpkigen:message:Holder#/$defs/Inner' },
      },
      $defs: { Inner: { type: 'integer' } },
    });
  });

  it('keeps properties named like annotations and turns x-discriminator into ajv discriminator', () => {
    const ir = readMessages([
      source(
        'spec/messages/u.yaml',
        message('U', 'x-discriminator: kind\noneOf:\n  - { type: object, required: [kind], properties: { kind: { const: a }, title: { type: string } } }'),
      ),
    ]);
    expect(ir.messages[0]?.validationSchema).toEqual({
      $id: 'urn:jpkigen:message:U',
      discriminator: { propertyName: 'kind' },
      oneOf: [{ type: 'object', required: ['kind'], properties: { kind: { const: 'a' }, title: { type: 'string' } } }],
    });
  });

  it('names file, line and column of a $ref to a missing file', () => {
    const error = catchSpecError(() =>
      readMessages([source('spec/messages/x.yaml', message('X', 'type: object\nproperties:\n  a:\n    $ref: ./nowhere.yaml'))]),
    );
    expect(error.code).toBe('SPEC_REF_UNRESOLVED');
    expect(error.location).toEqual({ file: 'spec/messages/x.yaml', line: 10, column: 5 });
    expect(error.message).toContain('spec/messages/nowhere.yaml');
  });

  it('rejects a $ref to a definition the target file does not have', () => {
    const error = catchSpecError(() =>
      readMessages([source('spec/messages/x.yaml', message('X', 'type: object\nproperties:\n  a: { $ref: "#/$defs/Missing" }'))]),
    );
    expect(error.code).toBe('SPEC_REF_UNRESOLVED');
    expect(error.expected).toContain('$defs/Missing');
  });

  it('rejects refs into arbitrary schema locations', () => {
    const error = catchSpecError(() =>
      readMessages([source('spec/messages/x.yaml', message('X', 'type: object\nproperties:\n  a: { $ref: "#/properties/b" }'))]),
    );
    expect(error.code).toBe('SPEC_UNSUPPORTED');
  });

  it('rejects a cycle made only of refs, at the ref that closes it', () => {
    const error = catchSpecError(() =>
      readMessages([
        source('spec/messages/a.yaml', message('A', '$ref: ./b.yaml')),
        source('spec/messages/b.yaml', message('B', '$ref: ./a.yaml')),
      ]),
    );
    expect(error.code).toBe('SPEC_REF_CYCLE');
    expect(error.location.line).toBe(7);
    expect(error.location.column).toBe(1);
  });

  it('allows recursion through a property', () => {
    const ir = readMessages([
      source('spec/messages/tree.yaml', message('Tree', 'type: object\nproperties:\n  children: { type: array, items: { $ref: ./tree.yaml } }')),
    ]);
    expect(ir.messages[0]?.name).toBe('Tree');
  });

  it('rejects a duplicate type name and names the first definition', () => {
    const error = catchSpecError(() =>
      readMessages([
        source('spec/messages/a.yaml', message('Same', 'type: string')),
        source('spec/messages/b.yaml', message('Same', 'type: string')),
      ]),
    );
    expect(error.code).toBe('SPEC_DUPLICATE_NAME');
    expect(error.location).toEqual({ file: 'spec/messages/b.yaml', line: 2, column: 1 });
    expect(error.message).toContain('spec/messages/a.yaml:2:1');
  });

  it('treats a $defs name that clashes with a message title as a duplicate', () => {
    const error = catchSpecError(() =>
      readMessages([
        source('spec/messages/a.yaml', message('Serial', 'type: string')),
        source('spec/messages/b.yaml', message('B', 'type: string\n$defs:\n  Serial: { type: string }')),
      ]),
    );
    expect(error.code).toBe('SPEC_DUPLICATE_NAME');
    expect(error.location.line).toBe(9);
  });
});
