/**
 * Bundles an OpenAPI document with the files it `$ref`s into one document whose every `$ref` is
 * local (`#/…`): what openapi-typescript and the validator compiler read. Schemas from other
 * files (our message designs, or a third party's schema files) become `components/schemas`
 * entries named after their `title` (a whole file) or their last pointer segment (`$defs/Name`);
 * other referenced objects (parameters, responses) are copied in place.
 */
import path from 'node:path';
import { pointerFromSegments, pointerSegments } from '../../yaml-source.js';

/** Loads a referenced file as data; throws (with a location) when it cannot. */
export type LoadReferencedFile = (file: string, from: { file: string; pointer: string }) => unknown;

/** Raised for a `$ref` that leads nowhere; the caller turns it into a located error. */
export class UnresolvedReferenceError extends Error {
  readonly file: string;
  readonly pointer: string;
  readonly ref: string;

  constructor(file: string, pointer: string, ref: string, why: string) {
    super(`${ref}: ${why}`);
    this.file = file;
    this.pointer = pointer;
    this.ref = ref;
  }
}

/** Keys under which a value is a schema, or a map/list of schemas: external refs there become components. */
const SCHEMA_KEYS = new Set(['schema', 'items', 'not', 'additionalProperties', 'contains', 'if', 'then', 'else', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', 'contentSchema']);
const SCHEMA_LIST_KEYS = new Set(['allOf', 'oneOf', 'anyOf', 'prefixItems']);
const SCHEMA_MAP_KEYS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'schemas']);
/** Values that are data, never searched for refs. */
const DATA_KEYS = new Set(['example', 'examples', 'const', 'enum', 'default', 'x-invalid-examples', 'x-test-cases', 'x-malformed-requests']);

export interface BundleResult {
  readonly document: Record<string, unknown>;
  /** Every file read besides the root, sorted. */
  readonly files: readonly string[];
}

export function bundleDocument(rootFile: string, root: Record<string, unknown>, load: LoadReferencedFile): BundleResult {
  const components = { ...(root['components'] as Record<string, unknown> | undefined) };
  const schemas: Record<string, unknown> = { ...(components['schemas'] as Record<string, unknown> | undefined) };
  const usedNames = new Set(Object.keys(schemas));
  const namesByTarget = new Map<string, string>();
  const loaded = new Map<string, unknown>();
  const files = new Set<string>();

  const loadFile = (file: string, from: { file: string; pointer: string }): unknown => {
    if (file === rootFile) return root;
    if (!loaded.has(file)) {
      loaded.set(file, load(file, from));
      files.add(file);
    }
    return loaded.get(file);
  };

  const componentFor = (file: string, fragment: string, from: { file: string; pointer: string; ref: string }): string => {
    const key = `${file}#${fragment}`;
    const known = namesByTarget.get(key);
    if (known !== undefined) return known;
    const target = resolvePointer(loadFile(file, from), fragment);
    if (target === undefined) throw new UnresolvedReferenceError(from.file, from.pointer, from.ref, `${file} has nothing at #${fragment}`);
    const name = uniqueName(preferredName(target, file, fragment), usedNames);
    namesByTarget.set(key, name);
    const withoutDefinitions = stripDefinitions(target, fragment);
    schemas[name] = rewrite(withoutDefinitions, file, fragment, true, 0);
    return name;
  };

  function rewrite(value: unknown, file: string, pointer: string, inSchema: boolean, depth: number): unknown {
    if (depth > 200) throw new UnresolvedReferenceError(file, pointer, '(nesting)', 'references nest more than 200 levels deep (a cycle outside schemas?)');
    if (Array.isArray(value)) return value.map((item, index) => rewrite(item, file, `${pointer}/${index}`, inSchema, depth + 1));
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    const ref = record['$ref'];
    const result: Record<string, unknown> = {};
    if (typeof ref === 'string') {
      const [filePart = '', fragment = ''] = splitRef(ref);
      const targetFile = filePart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), filePart));
      const decodedFragment = decodeFragment(fragment);
      if (targetFile === rootFile) {
        result['$ref'] = `#${fragment}`;
      } else if (inSchema || isSchemaLocation(decodedFragment)) {
        result['$ref'] = `#/components/schemas/${escapeSegment(componentFor(targetFile, decodedFragment, { file, pointer: `${pointer}/$ref`, ref }))}`;
      } else {
        const target = resolvePointer(loadFile(targetFile, { file, pointer: `${pointer}/$ref` }), decodedFragment);
        if (target === undefined) throw new UnresolvedReferenceError(file, `${pointer}/$ref`, ref, `${targetFile} has nothing at #${decodedFragment}`);
        return rewrite(target, targetFile, decodedFragment, inSchema, depth + 1);
      }
    }
    for (const [key, child] of Object.entries(record)) {
      if (key === '$ref' && typeof ref === 'string') continue;
      const childPointer = `${pointer}${pointerFromSegments([key])}`;
      if (DATA_KEYS.has(key)) {
        result[key] = child;
      } else if (SCHEMA_KEYS.has(key) || SCHEMA_LIST_KEYS.has(key)) {
        result[key] = rewrite(child, file, childPointer, true, depth + 1);
      } else if (SCHEMA_MAP_KEYS.has(key) && child !== null && typeof child === 'object' && !Array.isArray(child)) {
        result[key] = Object.fromEntries(
          Object.entries(child).map(([name, schema]) => [name, rewrite(schema, file, `${childPointer}${pointerFromSegments([name])}`, true, depth + 1)]),
        );
      } else {
        result[key] = rewrite(child, file, childPointer, inSchema, depth + 1);
      }
    }
    return result;
  }

  const document: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(root)) {
    if (key === 'components') continue;
    document[key] = rewrite(value, rootFile, pointerFromSegments([key]), false, 0);
  }
  const rewrittenComponents: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(components)) {
    if (key === 'schemas') continue;
    rewrittenComponents[key] = rewrite(value, rootFile, pointerFromSegments(['components', key]), false, 0);
  }
  for (const [name, schema] of Object.entries(components['schemas'] as Record<string, unknown> | undefined ?? {})) {
    schemas[name] = rewrite(schema, rootFile, pointerFromSegments(['components', 'schemas', name]), true, 0);
  }
  const sortedSchemas = Object.fromEntries(Object.keys(schemas).sort().map((name) => [name, schemas[name]]));
  document['components'] = { ...rewrittenComponents, schemas: sortedSchemas };
  return { document, files: [...files].sort() };
}

function splitRef(ref: string): [string, string] {
  const index = ref.indexOf('#');
  return index === -1 ? [ref, ''] : [ref.slice(0, index), ref.slice(index + 1)];
}

function decodeFragment(fragment: string): string {
  return fragment === '' ? '' : pointerFromSegments(pointerSegments(`#${fragment}`));
}

function escapeSegment(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isSchemaLocation(fragment: string): boolean {
  return fragment === '' || /^\/(?:\$defs|definitions|components\/schemas)\//.test(fragment);
}

export function resolvePointer(value: unknown, pointer: string): unknown {
  let current = value;
  for (const segment of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A whole message file is named by its title; `$defs/Name` by Name; a whole schema file by its base name. */
function preferredName(target: unknown, file: string, fragment: string): string {
  const segments = pointerSegments(fragment);
  const last = segments[segments.length - 1];
  if (last !== undefined) return last;
  const title = (target as Record<string, unknown> | null)?.['title'];
  if (typeof title === 'string' && /^[A-Za-z][A-Za-z0-9_]*$/.test(title)) return title;
  return path.posix.basename(file).replace(/\.(ya?ml|json)$/, '');
}

function uniqueName(preferred: string, used: Set<string>): string {
  let name = preferred;
  for (let counter = 2; used.has(name); counter += 1) name = `${preferred}${counter}`;
  used.add(name);
  return name;
}

/** A whole file's `$defs` are not part of its root schema: each becomes a component when something refs it. */
function stripDefinitions(target: unknown, fragment: string): unknown {
  if (fragment !== '' || target === null || typeof target !== 'object' || Array.isArray(target)) return target;
  const { $defs: _definitions, $schema: _schema, 'x-invalid-examples': _invalid, ...rest } = target as Record<string, unknown>;
  return rest;
}
