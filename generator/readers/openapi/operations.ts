/**
 * Walks a bundled OpenAPI 3.0 or 3.1 document and lists its operations with parameters, bodies
 * and responses resolved (path-level parameters merged, `$ref`s to components followed).
 */
import { RESERVED_WORDS } from '../../printer/reserved-words.js';
import type { Provenance } from '../../ir.js';
import { encodingOf, essenceOf } from '../../../runtime/http/media-type.js';
import type { HttpMethod, ParameterLocation, ValueKind } from '../../../runtime/http/operation.js';
import { resolvePointer } from './bundle.js';
import type { HttpTestCaseIR, MalformedRequestIR, MediaTypeIR, OperationIR, ParameterIR, ResponseIR } from './openapi-ir.js';

const METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const LOCATIONS: ReadonlySet<string> = new Set(['path', 'query', 'header', 'cookie']);

type Json = Record<string, unknown>;

/** Reported for a document that is well-formed JSON/YAML but not an OpenAPI document we can read. */
export class OpenApiShapeError extends Error {
  readonly pointer: string;

  constructor(pointer: string, expected: string) {
    super(expected);
    this.pointer = pointer;
  }
}

export function readOperations(document: Json): OperationIR[] {
  const paths = (document['paths'] ?? {}) as Json;
  const operations: OperationIR[] = [];
  const usedNames = new Set<string>();
  for (const [template, rawItem] of Object.entries(paths)) {
    const itemPointer = `/paths/${escape(template)}`;
    const item = deref(document, rawItem, itemPointer);
    const shared = asArray(item['parameters']);
    for (const method of METHODS) {
      const rawOperation = item[method];
      if (rawOperation === undefined) continue;
      const pointer = `${itemPointer}/${method}`;
      const operation = deref(document, rawOperation, pointer);
      const operationId = typeof operation['operationId'] === 'string' ? operation['operationId'] : undefined;
      const name = uniqueName(operationId === undefined ? derivedName(method, template) : identifierOf(operationId), usedNames);
      operations.push({
        name,
        operationId,
        method,
        path: template,
        summary: stringOr(operation['summary']),
        description: stringOr(operation['description']),
        deprecated: operation['deprecated'] === true,
        provenance: operation['x-provenance'] as Provenance | undefined,
        security: securityNames(operation['security'] ?? document['security']),
        parameters: mergeParameters(document, shared, asArray(operation['parameters']), itemPointer, pointer),
        requestBody: readRequestBody(document, operation['requestBody'], `${pointer}/requestBody`),
        responses: readResponses(document, (operation['responses'] ?? {}) as Json, `${pointer}/responses`),
        testCases: asArray(operation['x-test-cases']) as unknown as HttpTestCaseIR[],
        malformedRequests: asArray(operation['x-malformed-requests']) as unknown as MalformedRequestIR[],
      });
    }
  }
  return operations;
}

/** Follows local `$ref`s (a chain of them) to the object they name. */
export function deref(document: Json, value: unknown, pointer: string): Json {
  let current = value;
  for (let hops = 0; hops < 32; hops += 1) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) throw new OpenApiShapeError(pointer, 'an object');
    const ref = (current as Json)['$ref'];
    if (typeof ref !== 'string') return current as Json;
    if (!ref.startsWith('#')) throw new OpenApiShapeError(pointer, `a local $ref after bundling, not '${ref}'`);
    const target = resolvePointer(document, ref);
    if (target === undefined) throw new OpenApiShapeError(pointer, `a $ref to an existing object, but nothing is at ${ref}`);
    current = target;
  }
  throw new OpenApiShapeError(pointer, 'a $ref chain that ends (these refs point at each other)');
}

function mergeParameters(document: Json, shared: readonly unknown[], own: readonly unknown[], itemPointer: string, pointer: string): ParameterIR[] {
  const byKey = new Map<string, ParameterIR>();
  const add = (raw: unknown, where: string) => {
    const parameter = deref(document, raw, where);
    const name = parameter['name'];
    const location = parameter['in'];
    if (typeof name !== 'string' || typeof location !== 'string' || !LOCATIONS.has(location)) {
      throw new OpenApiShapeError(where, "a parameter with a 'name' and 'in' of path, query, header or cookie");
    }
    // Accept, Content-Type and Authorization header parameters are ignored (OpenAPI 3.1 §4.8.12.1).
    if (location === 'header' && /^(accept|content-type|authorization)$/i.test(name)) return;
    const schema = parameter['schema'] ?? firstContentSchema(parameter['content']);
    const resolved = schema === undefined ? {} : schemaOf(document, schema);
    const kind = kindOf(document, resolved);
    const items = kind === 'array' ? schemaOf(document, (resolved as Json)['items'] ?? {}) : undefined;
    byKey.set(`${location}:${name}`, {
      name,
      in: location as ParameterLocation,
      required: location === 'path' ? true : parameter['required'] === true,
      schema: schema ?? {},
      kind,
      itemKind: items === undefined ? undefined : kindOf(document, items),
      examples: examplesOf(parameter, schema === undefined ? undefined : resolved),
      description: stringOr(parameter['description']),
    });
  };
  shared.forEach((raw, index) => add(raw, `${itemPointer}/parameters/${index}`));
  own.forEach((raw, index) => add(raw, `${pointer}/parameters/${index}`));
  return [...byKey.values()];
}

function firstContentSchema(content: unknown): unknown {
  if (content === null || typeof content !== 'object') return undefined;
  const first = Object.values(content as Json)[0] as Json | undefined;
  return first?.['schema'];
}

function schemaOf(document: Json, schema: unknown): Json {
  try {
    return deref(document, schema, '');
  } catch {
    return {};
  }
}

/** The JSON type a parameter's text is coerced to; unions and unknowns stay text. */
function kindOf(document: Json, schema: Json, depth = 0): ValueKind {
  const type = schema['type'];
  const types = (Array.isArray(type) ? type : [type]).filter((entry) => entry !== 'null' && entry !== undefined);
  if (types.length === 1) {
    const only = types[0];
    if (only === 'string' || only === 'number' || only === 'integer' || only === 'boolean' || only === 'array' || only === 'object') return only;
  }
  if (depth < 8) {
    for (const key of ['allOf', 'oneOf', 'anyOf']) {
      const branches = schema[key];
      if (!Array.isArray(branches)) continue;
      const kinds = new Set(branches.map((branch) => kindOf(document, schemaOf(document, branch), depth + 1)));
      if (kinds.size === 1) return [...kinds][0] ?? 'unknown';
    }
  }
  if (Array.isArray(schema['enum']) && schema['enum'].every((value) => typeof value === 'string')) return 'string';
  return types.length === 0 ? 'unknown' : 'string';
}

function readRequestBody(document: Json, raw: unknown, pointer: string): OperationIR['requestBody'] {
  if (raw === undefined) return undefined;
  const body = deref(document, raw, pointer);
  return { required: body['required'] === true, content: readContent(document, body['content'], `${pointer}/content`) };
}

function readResponses(document: Json, responses: Json, pointer: string): ResponseIR[] {
  return Object.entries(responses)
    .filter(([status]) => /^(?:[1-5](?:\d\d|XX)|default)$/i.test(status))
    .map(([status, raw]) => {
      const response = deref(document, raw, `${pointer}/${status}`);
      return {
        // As written: the generated types index responses by this key.
        status,
        description: stringOr(response['description']) ?? '',
        content: readContent(document, response['content'], `${pointer}/${status}/content`),
      };
    });
}

function readContent(document: Json, content: unknown, pointer: string): MediaTypeIR[] {
  if (content === undefined || content === null) return [];
  if (typeof content !== 'object' || Array.isArray(content)) throw new OpenApiShapeError(pointer, 'a map of media types');
  return Object.entries(content as Json).map(([key, raw]) => {
    const media = (raw ?? {}) as Json;
    const mediaType = essenceOf(key) ?? key;
    const schema = media['schema'];
    return {
      key,
      mediaType,
      encoding: encodingOf(mediaType),
      schema,
      examples: examplesOf(media, schema === undefined ? undefined : schemaOf(document, schema), document),
    };
  });
}

/** `example`, then the values of `examples`, then the schema's own `examples` / `example`. */
function examplesOf(holder: Json, schema: Json | undefined, document?: Json): unknown[] {
  if (holder['example'] !== undefined) return [holder['example']];
  const examples = holder['examples'];
  if (examples !== null && typeof examples === 'object' && !Array.isArray(examples)) {
    const values = Object.values(examples as Json)
      .map((example) => (document === undefined ? (example as Json) : safeDeref(document, example)))
      .filter((example): example is Json => example !== undefined && 'value' in example)
      .map((example) => example['value']);
    if (values.length > 0) return values;
  }
  if (schema !== undefined) {
    if (Array.isArray(schema['examples'])) return schema['examples'];
    if (schema['example'] !== undefined) return [schema['example']];
  }
  return [];
}

function safeDeref(document: Json, value: unknown): Json | undefined {
  try {
    return deref(document, value, '');
  } catch {
    return undefined;
  }
}

function securityNames(security: unknown): string[] {
  if (!Array.isArray(security)) return [];
  return [...new Set(security.flatMap((requirement) => (requirement !== null && typeof requirement === 'object' ? Object.keys(requirement as Json) : [])))];
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `constructor` too: every operation becomes a method of the generated client class. */
const RESERVED = new Set([...RESERVED_WORDS, 'constructor']);

/** `get-pet_by.id` → `getPetById`; a leading digit or reserved word gets a prefix. */
export function identifierOf(text: string): string {
  const words = text.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  const joined = words.map((word, index) => (index === 0 ? word.charAt(0).toLowerCase() + word.slice(1) : word.charAt(0).toUpperCase() + word.slice(1))).join('');
  const identifier = joined === '' ? 'operation' : /^[0-9]/.test(joined) ? `op${joined}` : joined;
  return RESERVED.has(identifier) ? `${identifier}Operation` : identifier;
}

function derivedName(method: string, template: string): string {
  const words = template
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => (segment.startsWith('{') ? `by ${segment.slice(1, -1)}` : segment));
  return identifierOf([method, ...words].join(' '));
}

function uniqueName(preferred: string, used: Set<string>): string {
  let name = preferred;
  for (let counter = 2; used.has(name); counter += 1) name = `${preferred}${counter}`;
  used.add(name);
  return name;
}
