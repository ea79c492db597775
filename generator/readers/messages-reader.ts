/**
 * Reads message designs (spec/messages/**.yaml, JSON Schema 2020-12) into the messages IR:
 * resolves every `$ref` across files, rejects dangling refs, alias-only cycles and duplicate
 * names, and prepares the schema set the validator emitter compiles.
 */
import path from 'node:path';
import type { InvalidExampleIR, MessageIR, MessagesIR, NamedTypeIR, Provenance } from '../ir.js';
import { compareText } from '../compare-text.js';
import { SpecError } from '../spec-error.js';
import { pointerFromSegments, type YamlSource } from '../yaml-source.js';
import { jsonSchemaToType, type SchemaNode } from './json-schema-to-type.js';

const SCHEMA_ID_PREFIX = 'urn:jpkigen:message:';

/** Keywords that document a schema but never change what it accepts; kept out of validator code. */
const ANNOTATIONS = new Set(['title', 'description', 'examples', '$comment', 'deprecated', 'readOnly', 'writeOnly', 'default', '$schema']);

interface MessageFile {
  readonly source: YamlSource;
  readonly root: SchemaNode;
  readonly title: string;
}

/** A resolved reference: which file's root, or which of its `$defs`. */
interface RefTarget {
  readonly file: MessageFile;
  readonly definition: string | undefined;
}

export function readMessages(sources: readonly YamlSource[]): MessagesIR {
  const files = sources.map(toMessageFile);
  assertUniqueNames(files);
  const byPath = new Map(files.map((file) => [file.source.file, file]));
  const resolve = (from: MessageFile, ref: string, pointer: string): RefTarget => resolveRef(byPath, from, ref, pointer);
  for (const file of files) assertNoAliasCycles(file, resolve);
  const messages = files.map((file) => toMessageIR(file, resolve));
  return { messages: [...messages].sort((a, b) => compareText(a.name, b.name)) };
}

function toMessageFile(source: YamlSource): MessageFile {
  const root = source.value as SchemaNode;
  return { source, root, title: root['title'] as string };
}

function assertUniqueNames(files: readonly MessageFile[]): void {
  const seen = new Map<string, string>();
  for (const file of files) {
    const names: [string, string][] = [[file.title, '/title']];
    for (const definition of Object.keys(definitionsOf(file.root))) names.push([definition, pointerFromSegments(['$defs', definition])]);
    for (const [name, pointer] of names) {
      const first = seen.get(name);
      if (first !== undefined) {
        throw new SpecError('SPEC_DUPLICATE_NAME', file.source.locate(pointer), `a unique type name, but '${name}' is already defined at ${first}`, pointer);
      }
      const location = file.source.locate(pointer);
      seen.set(name, `${location.file}:${location.line}:${location.column}`);
    }
  }
}

function definitionsOf(schema: SchemaNode): Record<string, SchemaNode> {
  return (schema['$defs'] ?? {}) as Record<string, SchemaNode>;
}

function resolveRef(byPath: ReadonlyMap<string, MessageFile>, from: MessageFile, ref: string, pointer: string): RefTarget {
  const [filePart = '', fragment = ''] = ref.split('#', 2);
  const targetPath = filePart === '' ? from.source.file : path.posix.normalize(path.posix.join(path.posix.dirname(from.source.file), filePart));
  const file = byPath.get(targetPath);
  const where = from.source.locate(pointer);
  if (file === undefined) {
    throw new SpecError('SPEC_REF_UNRESOLVED', where, `a $ref to an existing message file, but '${filePart}' (${targetPath}) does not exist`, pointer);
  }
  if (fragment === '') return { file, definition: undefined };
  const match = /^\/\$defs\/([A-Za-z0-9]+)$/.exec(fragment);
  if (match === null) {
    throw new SpecError('SPEC_UNSUPPORTED', where, `a $ref to a file or to one of its $defs ('#/$defs/Name'), not '#${fragment}'`, pointer);
  }
  const definition = match[1] ?? '';
  if (!(definition in definitionsOf(file.root))) {
    throw new SpecError('SPEC_REF_UNRESOLVED', where, `a $ref to an existing definition, but ${targetPath} has no $defs/${definition}`, pointer);
  }
  return { file, definition };
}

/**
 * A type that is nothing but a `$ref` to a type that is nothing but a `$ref` back can never
 * describe a value. Recursion through properties or items is fine and stays allowed.
 */
function assertNoAliasCycles(file: MessageFile, resolve: (from: MessageFile, ref: string, pointer: string) => RefTarget): void {
  const starts: { schema: SchemaNode; pointer: string; key: string }[] = [{ schema: file.root, pointer: '', key: file.source.file }];
  for (const [name, schema] of Object.entries(definitionsOf(file.root))) {
    starts.push({ schema, pointer: pointerFromSegments(['$defs', name]), key: `${file.source.file}#/$defs/${name}` });
  }
  for (const start of starts) {
    const visited = new Set([start.key]);
    let current = { file, schema: start.schema, pointer: start.pointer };
    for (;;) {
      const ref = current.schema['$ref'];
      if (typeof ref !== 'string' || !isAliasOnly(current.schema)) break;
      const refPointer = `${current.pointer}/$ref`;
      const target = resolve(current.file, ref, refPointer);
      const key = target.definition === undefined ? target.file.source.file : `${target.file.source.file}#/$defs/${target.definition}`;
      if (visited.has(key)) {
        throw new SpecError('SPEC_REF_CYCLE', current.file.source.locate(refPointer), `a $ref chain that ends in a schema, but '${ref}' leads back to ${start.key}`, refPointer);
      }
      visited.add(key);
      const schema = target.definition === undefined ? target.file.root : (definitionsOf(target.file.root)[target.definition] ?? {});
      current = { file: target.file, schema, pointer: target.definition === undefined ? '' : pointerFromSegments(['$defs', target.definition]) };
    }
  }
}

function isAliasOnly(schema: SchemaNode): boolean {
  return Object.keys(schema).every((key) => key === '$ref' || key === '$defs' || key.startsWith('x-') || ANNOTATIONS.has(key));
}

function toMessageIR(file: MessageFile, resolve: (from: MessageFile, ref: string, pointer: string) => RefTarget): MessageIR {
  const { root, source } = file;
  const nameOf = (target: RefTarget): string => target.definition ?? target.file.title;
  const refs = collectRefs(root, '');
  const namesByRef = new Map(refs.map(({ ref, pointer }) => [ref, nameOf(resolve(file, ref, pointer))]));
  const idsByRef = new Map(refs.map(({ ref, pointer }) => [ref, schemaIdOf(resolve(file, ref, pointer))]));
  const nameReference = (ref: string): string => namesByRef.get(ref) ?? ref;

  const definitions: NamedTypeIR[] = Object.entries(definitionsOf(root)).map(([name, schema]) => ({
    name,
    description: stringOrUndefined(schema['description']),
    provenance: schema['x-provenance'] as Provenance | undefined,
    type: jsonSchemaToType(schema, nameReference),
    location: source.locate(pointerFromSegments(['$defs', name])),
  }));

  return {
    name: file.title,
    description: stringOrUndefined(root['description']),
    provenance: root['x-provenance'] as Provenance,
    type: jsonSchemaToType(withoutDefinitions(root), nameReference),
    location: source.locate('/title'),
    file: source.file,
    schemaId: `${SCHEMA_ID_PREFIX}${file.title}`,
    validationSchema: { $id: `${SCHEMA_ID_PREFIX}${file.title}`, ...toValidationSchema(root, idsByRef) as object },
    examples: (root['examples'] ?? []) as unknown[],
    invalidExamples: (root['x-invalid-examples'] ?? []) as InvalidExampleIR[],
    definitions,
  };
}

function schemaIdOf(target: RefTarget): string {
  const id = `${SCHEMA_ID_PREFIX}${target.file.title}`;
  return target.definition === undefined ? id : `${id}#/$defs/${target.definition}`;
}

function withoutDefinitions(schema: SchemaNode): SchemaNode {
  const { $defs: _definitions, ...rest } = schema;
  return rest;
}

/** Every `$ref` in a schema tree with the pointer it was written at. */
function collectRefs(value: unknown, pointer: string, keysAreNames = false): { ref: string; pointer: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => collectRefs(item, `${pointer}/${index}`));
  if (value === null || typeof value !== 'object') return [];
  const found: { ref: string; pointer: string }[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childPointer = `${pointer}${pointerFromSegments([key])}`;
    if (keysAreNames) found.push(...collectRefs(child, childPointer));
    else if (key === '$ref' && typeof child === 'string') found.push({ ref: child, pointer: childPointer });
    else if (!VALUE_KEYWORDS.has(key)) found.push(...collectRefs(child, childPointer, NAME_MAP_KEYWORDS.has(key)));
  }
  return found;
}

/** Keywords whose values are instance data, not schemas: never searched for refs. */
const VALUE_KEYWORDS = new Set(['examples', 'x-invalid-examples', 'const', 'enum', 'default']);
/** Keywords whose keys are names (of properties or definitions) rather than schema keywords. */
const NAME_MAP_KEYWORDS = new Set(['properties', '$defs', 'dependentRequired', 'patternProperties']);

/**
 * The schema ajv compiles: refs point at schema ids, `x-discriminator` becomes ajv's
 * `discriminator`, and annotations are dropped so the emitted validator code stays small.
 */
function toValidationSchema(value: unknown, idsByRef: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => toValidationSchema(item, idsByRef));
  if (value === null || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (ANNOTATIONS.has(key) || (key.startsWith('x-') && key !== 'x-discriminator')) continue;
    if (key === 'const' || key === 'enum') result[key] = child;
    else if (key === '$ref') result[key] = idsByRef.get(child as string) ?? child;
    else if (key === 'x-discriminator') result['discriminator'] = { propertyName: child };
    else if (NAME_MAP_KEYWORDS.has(key)) result[key] = mapValues(child as Record<string, unknown>, idsByRef);
    else result[key] = toValidationSchema(child, idsByRef);
  }
  return result;
}

/** Maps over a keyword whose keys are names (properties, $defs), never schema keywords. */
function mapValues(record: Record<string, unknown>, idsByRef: ReadonlyMap<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([name, schema]) => [name, toValidationSchema(schema, idsByRef)]));
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
