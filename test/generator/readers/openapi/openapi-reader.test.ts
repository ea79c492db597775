import { describe, expect, it } from 'vitest';
import { readOpenApi } from '../../../../generator/readers/openapi/openapi-reader.js';
import { SpecError } from '../../../../generator/spec-error.js';
import { parseYamlSource } from '../../../../generator/yaml-source.js';

const message = parseYamlSource(
  'spec/messages/common/thing.yaml',
  `title: Thing
type: object
required: [part]
properties:
  part: { $ref: '#/$defs/Part' }
  other: { $ref: ./other.yaml }
$defs:
  Part: { type: string, pattern: '^[A-Z]+$' }
x-invalid-examples: []
`,
);
const other = parseYamlSource('spec/messages/common/other.yaml', 'title: Other\ntype: integer\n');

function documentWith(schemaRef: string): string {
  return `openapi: 3.1.0
info: { title: T, version: '1', description: d }
x-provenance: { status: modelled }
security: []
components: { securitySchemes: { token: { type: http, scheme: bearer } } }
paths:
  /things/{id}:
    get:
      operationId: getThing
      summary: s
      x-provenance: { status: modelled }
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer } }
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '${schemaRef}' }
`;
}

describe('OpenAPI reader', () => {
  it('bundles message designs into components, their $defs as components of their own, refs rewritten', () => {
    const ir = readOpenApi([parseYamlSource('spec/openapi/things.yaml', documentWith('../messages/common/thing.yaml'))], new Map([['messages', [message, other]]]));
    const [document] = ir.documents;
    const schemas = (document?.document['components'] as { schemas: Record<string, Record<string, unknown>> }).schemas;
    expect(Object.keys(schemas).sort()).toEqual(['Other', 'Part', 'Thing']);
    expect(schemas['Thing']?.['properties']).toEqual({ part: { $ref: '#/components/schemas/Part' }, other: { $ref: '#/components/schemas/Other' } });
    expect(schemas['Thing']).not.toHaveProperty('$defs');
    expect(schemas['Thing']).not.toHaveProperty('x-invalid-examples');
    const operation = document?.operations[0];
    expect(operation?.name).toBe('getThing');
    expect(operation?.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true, kind: 'integer' });
    expect(operation?.responses[0]?.content[0]).toMatchObject({ mediaType: 'application/json', encoding: 'json', schema: { $ref: '#/components/schemas/Thing' } });
  });

  it('reports a $ref to a missing message file at the line and column it was written', () => {
    let caught: unknown;
    try {
      readOpenApi([parseYamlSource('spec/openapi/things.yaml', documentWith('../messages/common/nothing.yaml'))], new Map([['messages', [message, other]]]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SpecError);
    const error = caught as SpecError;
    expect(error.code).toBe('SPEC_REF_UNRESOLVED');
    expect(error.location).toMatchObject({ file: 'spec/openapi/things.yaml', line: 19 });
    expect(error.message).toMatch(/nothing\.yaml/);
  });

  it('reports a $ref to a missing definition inside a message file', () => {
    expect(() =>
      readOpenApi([parseYamlSource('spec/openapi/things.yaml', documentWith('../messages/common/thing.yaml#/$defs/Missing'))], new Map([['messages', [message, other]]])),
    ).toThrow(/nothing at #\/\$defs\/Missing/);
  });
});
