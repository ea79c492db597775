import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMetaSchema } from '../../../generator/pipeline/meta-schema.js';
import { SpecError } from '../../../generator/spec-error.js';
import { parseYamlSource } from '../../../generator/yaml-source.js';
import { repositoryRoot } from '../../helpers/temporary-project.js';

const metaSchemaText = readFileSync(path.join(repositoryRoot, 'spec/meta/openapi.schema.yaml'), 'utf8');
const checkDocument = compileMetaSchema({ path: 'spec/meta/openapi.schema.yaml', absolutePath: '', text: metaSchemaText, sha256: '' });

const valid = `openapi: 3.1.0
info: { title: T, version: '1', description: d }
x-provenance: { status: modelled }
security: []
components: { securitySchemes: { token: { type: http, scheme: bearer } } }
paths:
  /things:
    get:
      operationId: listThings
      summary: s
      x-provenance: { status: public, source: RFC 0000 }
      responses: { '204': { description: none } }
      x-test-cases:
        - id: empty
          description: nothing comes back
          input: {}
          wire: { method: GET, uri: /things }
          output: { status: 204 }
`;

function metaError(text: string): SpecError {
  try {
    checkDocument(parseYamlSource('spec/openapi/things.yaml', text));
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error('the document was accepted');
}

describe('OpenAPI meta-schema', () => {
  it.each(readdirSync(path.join(repositoryRoot, 'spec/openapi')))('accepts spec/openapi/%s', (file) => {
    const text = readFileSync(path.join(repositoryRoot, 'spec/openapi', file), 'utf8');
    expect(() => checkDocument(parseYamlSource(`spec/openapi/${file}`, text))).not.toThrow();
  });

  it('accepts a minimal document', () => {
    expect(() => checkDocument(parseYamlSource('spec/openapi/things.yaml', valid))).not.toThrow();
  });

  it('wants provenance on every operation, naming where it is missing', () => {
    const error = metaError(valid.replace('      x-provenance: { status: public, source: RFC 0000 }\n', ''));
    expect(error.message).toMatch(/x-provenance/);
    expect(error.location.line).toBe(8);
  });

  it('wants a source for public provenance', () => {
    expect(metaError(valid.replace('{ status: public, source: RFC 0000 }', '{ status: public }')).message).toMatch(/source/);
  });

  it('checks the shape of test cases', () => {
    const error = metaError(valid.replace('wire: { method: GET, uri: /things }', 'wire: { method: FETCH, uri: /things }'));
    expect(error.pointer).toBe('/paths/~1things/get/x-test-cases/0/wire/method');
  });

  it('is OpenAPI 3.1 only for our own documents', () => {
    expect(metaError(valid.replace('openapi: 3.1.0', 'openapi: 3.0.3')).pointer).toBe('/openapi');
  });
});
