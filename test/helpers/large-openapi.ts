/**
 * A synthetic OpenAPI 3.1 document of several megabytes, built for the generator's scale tests:
 * many schemas referring to each other (cycles included), with every composition keyword, and
 * many operations with parameters in every location.
 */
export function largeOpenApiDocument(schemaCount: number, pathCount: number): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (let index = 0; index < schemaCount; index += 1) {
    const next = `Entity${(index + 1) % schemaCount}`;
    const previous = `Entity${(index + schemaCount - 1) % schemaCount}`;
    schemas[`Entity${index}`] = {
      type: 'object',
      description: `Entity number ${index}, with a description long enough to look like a real API's prose about what it holds and why.`,
      required: ['id', 'kind'],
      additionalProperties: index % 3 === 0 ? false : { type: 'string' },
      properties: {
        id: { type: 'string', format: 'uuid' },
        kind: { type: 'string', enum: ['alpha', 'beta', 'gamma', `kind${index % 7}`] },
        count: { type: ['integer', 'null'], minimum: 0, maximum: 1_000_000 },
        ratio: { type: 'number', exclusiveMinimum: 0 },
        createdAt: { type: 'string', format: 'date-time' },
        tags: { type: 'array', items: { type: 'string', maxLength: 64 }, maxItems: 20 },
        next: { $ref: `#/components/schemas/${next}` },
        previous: { type: 'array', items: { $ref: `#/components/schemas/${previous}` } },
        either: { oneOf: [{ $ref: `#/components/schemas/${next}` }, { type: 'string' }] },
        mixed: { anyOf: [{ type: 'integer' }, { type: 'boolean' }, { type: 'null' }] },
        merged: { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'integer' } } }] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    };
  }
  const paths: Record<string, unknown> = {};
  for (let index = 0; index < pathCount; index += 1) {
    const entity = `#/components/schemas/Entity${index % schemaCount}`;
    paths[`/collection${index}/{itemId}`] = {
      parameters: [{ name: 'itemId', in: 'path', required: true, schema: { type: 'string' } }],
      get: {
        operationId: `getItem${index}`,
        summary: `Read item ${index}.`,
        parameters: [
          { name: 'fields', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
          { name: 'X-Trace', in: 'header', schema: { type: 'string' } },
          { name: 'session', in: 'cookie', schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'The item.', content: { 'application/json': { schema: { $ref: entity } } } },
          '404': { description: 'None.', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        },
      },
      put: {
        operationId: `putItem${index}`,
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: entity } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        responses: { '204': { description: 'Stored.' }, default: { description: 'Error.', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
      },
    };
  }
  schemas['Problem'] = { type: 'object', required: ['title'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' } } };
  return { openapi: '3.1.0', info: { title: 'Large synthetic API', version: '1.0.0' }, paths, components: { schemas } };
}
