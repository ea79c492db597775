/**
 * The schemas ajv compiles for one document: components become `$defs` of one root schema (under
 * safe names), OpenAPI-only keywords are dropped, and OpenAPI 3.0's dialect (nullable, boolean
 * exclusiveMinimum) is rewritten as JSON Schema 2020-12.
 */
import type { OpenApiDocumentIR } from '../../readers/openapi/openapi-ir.js';

type Json = Record<string, unknown>;

const ANNOTATIONS = new Set(['title', 'description', 'examples', 'example', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'default', '$schema', 'xml', 'externalDocs', 'contentMediaType', 'contentEncoding', '$id', '$anchor', '$dynamicAnchor']);
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

export interface ValidationSchemaSet {
  /** Every component as a schema of its own, plus an empty root for refs that lead nowhere. */
  readonly schemas: readonly Json[];
  readonly rootId: string;
  /** Rewrites a schema written inside the document into one ajv can compile next to the root. */
  convert(schema: unknown): unknown;
  /** Format names the schemas use that ajv-formats does not know: registered as accept-all. */
  readonly unknownFormats: ReadonlySet<string>;
}

/** `honourXDiscriminator`: our documents tag unions with `x-discriminator`, which ajv checks as its `discriminator`. */
export function validationSchemas(document: OpenApiDocumentIR, knownFormats: ReadonlySet<string>, honourXDiscriminator: boolean): ValidationSchemaSet {
  const rootId = `urn:jpkigen:openapi:${document.name}`;
  const components = (((document.document['components'] ?? {}) as Json)['schemas'] ?? {}) as Json;
  const safeNames = new Map(Object.keys(components).map((name, index) => [name, `s${index}`]));
  const unknownFormats = new Set<string>();

  const rewriteRef = (ref: string): string => {
    const match = /^#\/components\/schemas\/([^/]+)(.*)$/.exec(ref);
    if (match === null) return ref.startsWith('#') ? `${rootId}#/$defs/__unsupported` : ref;
    const name = decodeSegment(match[1] ?? '');
    const safe = safeNames.get(name);
    const rest = match[2] ?? '';
    return safe === undefined ? `${rootId}#/$defs/__unsupported` : `${rootId}:${safe}${rest === '' ? '' : `#${rest}`}`;
  };

  const convert = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(convert);
    if (value === null || typeof value !== 'object') return value;
    const source = value as Json;
    const result: Json = {};
    for (const [key, child] of Object.entries(source)) {
      if (ANNOTATIONS.has(key) || key === 'nullable' || key === 'discriminator') continue;
      if (key.startsWith('x-')) {
        if (key === 'x-discriminator' && honourXDiscriminator) result['discriminator'] = { propertyName: child };
        continue;
      }
      if (key === 'const' || key === 'enum') result[key] = child;
      else if (key === '$ref' && typeof child === 'string') result[key] = rewriteRef(child);
      else if (key === 'format' && typeof child === 'string') {
        if (!knownFormats.has(child)) unknownFormats.add(child);
        result[key] = child;
      } else if (NAME_MAPS.has(key) && child !== null && typeof child === 'object' && !Array.isArray(child)) {
        result[key === 'definitions' ? '$defs' : key] = Object.fromEntries(Object.entries(child).map(([name, schema]) => [name, convert(schema)]));
      } else if (key === 'required' && Array.isArray(child)) {
        result[key] = [...new Set(child)];
      } else result[key] = convert(child);
    }
    if (document.dialect === '3.0') return fromOpenApi30(source, result);
    return result;
  };

  // One schema per component, each under its own id: ajv then compiles each once, however many
  // operations refer to it (a shared root with `$defs` is compiled again under every referrer).
  const schemas: Json[] = [{ $id: rootId, $defs: { __unsupported: {} } }];
  for (const [name, schema] of Object.entries(components)) {
    const converted = convert(schema);
    const id = `${rootId}:${safeNames.get(name) ?? name}`;
    schemas.push(typeof converted === 'boolean' ? { $id: id, allOf: [converted] } : { ...(converted as Json), $id: id });
  }
  return { schemas, rootId, convert, unknownFormats };
}

/** OpenAPI 3.0 schema objects: `nullable`, boolean exclusive bounds, `$ref` siblings ignored (3.0.3 §4.7.24, §4.7.25). */
function fromOpenApi30(source: Json, converted: Json): Json {
  let result = converted;
  if (typeof source['$ref'] === 'string') result = { $ref: converted['$ref'] };
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof result[flag] === 'boolean') {
      const { [flag]: exclusive, [bound]: limit, ...rest } = result;
      result = exclusive === true && limit !== undefined ? { ...rest, [flag]: limit } : limit === undefined ? rest : { ...rest, [bound]: limit };
    }
  }
  if (source['nullable'] !== true) return result;
  if (typeof result['type'] === 'string' && result['enum'] === undefined && result['$ref'] === undefined) return { ...result, type: [result['type'], 'null'] };
  return { anyOf: [result, { type: 'null' }] };
}

function decodeSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // kept as written
  }
  return decoded.replace(/~1/g, '/').replace(/~0/g, '~');
}
