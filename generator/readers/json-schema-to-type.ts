import type { PropertyIR, Provenance, TypeIR } from '../ir.js';

/** A JSON Schema object as it appears in a spec; keywords are read defensively. */
export type SchemaNode = Readonly<Record<string, unknown>>;

/** Maps a `$ref` string to the name of the type it designates. */
export type ReferenceNamer = (ref: string) => string;

const UNKNOWN: TypeIR = { kind: 'unknown' };

/**
 * Translates a JSON Schema 2020-12 node into the type it admits. Keywords that only narrow
 * values (patterns, bounds, if/then/else, not) stay with the validator and do not shape the type.
 */
export function jsonSchemaToType(schema: unknown, nameReference: ReferenceNamer): TypeIR {
  if (schema === true || schema === undefined) return UNKNOWN;
  if (schema === false) return { kind: 'union', members: [] };
  const node = schema as SchemaNode;
  const parts: TypeIR[] = [];

  if (typeof node['$ref'] === 'string') parts.push({ kind: 'reference', name: nameReference(node['$ref']) });
  const ownType = typeOfOwnKeywords(node, nameReference);
  if (ownType !== undefined) parts.push(ownType);
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const branches = node[keyword];
    if (Array.isArray(branches)) {
      parts.push(union(branches.map((branch) => jsonSchemaToType(branch, nameReference))));
    }
  }
  if (Array.isArray(node['allOf'])) {
    parts.push(...node['allOf'].map((member) => jsonSchemaToType(member, nameReference)));
  }
  // `X & unknown` is X: allOf members that only constrain (if/then, not) add nothing to the type.
  // Likewise `{ [key: string]: unknown } & (A | B)` is A | B when A and B are objects.
  const shaping = parts.filter((part) => part.kind !== 'unknown' && !(parts.length > 1 && isAnyObject(part)));
  if (shaping.length === 0) return UNKNOWN;
  if (shaping.length === 1) return shaping[0] ?? UNKNOWN;
  return { kind: 'intersection', members: shaping };
}

function typeOfOwnKeywords(node: SchemaNode, nameReference: ReferenceNamer): TypeIR | undefined {
  if ('const' in node) return literalOrUnknown(node['const']);
  if (Array.isArray(node['enum'])) return union(node['enum'].map(literalOrUnknown));
  const declared = declaredTypes(node);
  if (declared.length === 0) return undefined;
  return union(declared.map((type) => typeOfJsonType(type, node, nameReference)));
}

/** The JSON types a node admits: its `type`, or the one its structural keywords imply. */
function declaredTypes(node: SchemaNode): string[] {
  const type = node['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((item): item is string => typeof item === 'string');
  if ('properties' in node || 'additionalProperties' in node || 'required' in node) return ['object'];
  if ('items' in node || 'prefixItems' in node) return ['array'];
  return [];
}

function typeOfJsonType(type: string, node: SchemaNode, nameReference: ReferenceNamer): TypeIR {
  switch (type) {
    case 'string':
      return { kind: 'primitive', name: 'string' };
    case 'number':
    case 'integer':
      return { kind: 'primitive', name: 'number' };
    case 'boolean':
      return { kind: 'primitive', name: 'boolean' };
    case 'null':
      return { kind: 'primitive', name: 'null' };
    case 'array':
      return arrayType(node, nameReference);
    case 'object':
      return objectType(node, nameReference);
    default:
      return UNKNOWN;
  }
}

function arrayType(node: SchemaNode, nameReference: ReferenceNamer): TypeIR {
  const prefixItems = node['prefixItems'];
  if (Array.isArray(prefixItems)) {
    const rest = node['items'];
    return {
      kind: 'tuple',
      items: prefixItems.map((item) => jsonSchemaToType(item, nameReference)),
      rest: rest === false ? undefined : jsonSchemaToType(rest, nameReference),
    };
  }
  return { kind: 'array', items: jsonSchemaToType(node['items'], nameReference) };
}

function objectType(node: SchemaNode, nameReference: ReferenceNamer): TypeIR {
  const required = new Set(Array.isArray(node['required']) ? (node['required'] as string[]) : []);
  const declared = (node['properties'] ?? {}) as Record<string, SchemaNode>;
  const properties: PropertyIR[] = Object.entries(declared).map(([name, property]) => ({
    name,
    type: jsonSchemaToType(property, nameReference),
    required: required.has(name),
    description: typeof property['description'] === 'string' ? property['description'] : undefined,
    provenance: property['x-provenance'] as Provenance | undefined,
  }));
  for (const name of required) {
    if (!(name in declared)) properties.push({ name, type: UNKNOWN, required: true, description: undefined, provenance: undefined });
  }
  return { kind: 'object', properties, additionalProperties: additionalPropertiesType(node, nameReference) };
}

function additionalPropertiesType(node: SchemaNode, nameReference: ReferenceNamer): TypeIR | false {
  const additional = node['additionalProperties'] ?? node['unevaluatedProperties'];
  if (additional === false) return false;
  if (additional === undefined) return UNKNOWN;
  return jsonSchemaToType(additional, nameReference);
}

function isAnyObject(type: TypeIR): boolean {
  return type.kind === 'object' && type.properties.length === 0 && type.additionalProperties !== false && type.additionalProperties.kind === 'unknown';
}

function literalOrUnknown(value: unknown): TypeIR {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return { kind: 'literal', value };
  }
  return UNKNOWN;
}

function union(members: TypeIR[]): TypeIR {
  return members.length === 1 ? (members[0] ?? UNKNOWN) : { kind: 'union', members };
}
