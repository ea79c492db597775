/**
 * Reads the OpenAPI documents (spec/openapi/*.yaml, or a third party's file) into the OpenAPI IR:
 * bundles the files they `$ref` (our message designs among them) and lists their operations.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Provenance } from '../../ir.js';
import { compareText } from '../../compare-text.js';
import { SpecError, type SourceLocation } from '../../spec-error.js';
import { parseYamlSource, type YamlSource } from '../../yaml-source.js';
import { bundleDocument, UnresolvedReferenceError } from './bundle.js';
import type { OpenApiDocumentIR, OpenApiIR } from './openapi-ir.js';
import { identifierOf, OpenApiShapeError, readOperations } from './operations.js';

/** Spec sources of other kinds, by kind name: the openapi kind reads `messages` to resolve its refs. */
export type RelatedSources = ReadonlyMap<string, readonly YamlSource[]>;

export function readOpenApi(sources: readonly YamlSource[], related: RelatedSources = new Map()): OpenApiIR {
  const byFile = new Map<string, YamlSource>();
  for (const source of [...sources, ...[...related.values()].flat()]) byFile.set(source.file, source);
  const documents = sources.map((source) => {
    const locate = (file: string, pointer: string): SourceLocation => byFile.get(file)?.locate(pointer) ?? { file, line: 1, column: 1 };
    return readDocument(source.file, source.value as Record<string, unknown>, locate, (file, from) => {
      const target = byFile.get(file);
      if (target === undefined) {
        throw new SpecError('SPEC_REF_UNRESOLVED', locate(from.file, from.pointer), `a $ref to an existing spec file, but ${file} does not exist`, from.pointer);
      }
      return target.value;
    });
  });
  assertUniqueNames(documents);
  return { documents: documents.sort((a, b) => compareText(a.name, b.name)) };
}

/** Reads a document file written by anyone: JSON or YAML, OpenAPI 3.0 or 3.1, with relative file refs. */
export function readOpenApiFile(file: string): OpenApiDocumentIR {
  const absolute = path.resolve(file);
  const root = parseDocumentFile(absolute);
  const rootFile = absolute.split(path.sep).join('/');
  // Positions are only worked out for an error: parsing a large JSON document as YAML to keep
  // them would cost more than the whole generation.
  const locate = (where: string, pointer: string): SourceLocation => {
    try {
      return parseYamlSource(where, readFileSync(where, 'utf8')).locate(pointer);
    } catch {
      return { file: where, line: 1, column: 1 };
    }
  };
  return readDocument(rootFile, root, locate, (target) => parseDocumentFile(target), path.basename(file).replace(/\.(ya?ml|json)$/i, ''));
}

function parseDocumentFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SpecError('SPEC_REF_UNRESOLVED', { file, line: 1, column: 1 }, `a readable file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let value: unknown;
  try {
    value = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000, uniqueKeys: false });
  } catch (error) {
    throw new SpecError('SPEC_SYNTAX', { file, line: 1, column: 1 }, `well-formed JSON or YAML: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new SpecError('SPEC_SYNTAX', { file, line: 1, column: 1 }, 'a JSON or YAML object at the top level');
  return value as Record<string, unknown>;
}

function readDocument(
  file: string,
  root: Record<string, unknown>,
  locate: (file: string, pointer: string) => SourceLocation,
  load: (file: string, from: { file: string; pointer: string }) => unknown,
  baseName = path.posix.basename(file).replace(/\.(ya?ml|json)$/i, ''),
): OpenApiDocumentIR {
  const version = root['openapi'];
  if (typeof version !== 'string' || !/^3\.[01]\.\d+/.test(version)) {
    throw new SpecError('SPEC_UNSUPPORTED', locate(file, '/openapi'), `an OpenAPI 3.0 or 3.1 document ('openapi: 3.1.0'), not ${JSON.stringify(version ?? null)}`, '/openapi');
  }
  let document: Record<string, unknown>;
  try {
    document = bundleDocument(file, root, load).document;
  } catch (error) {
    if (error instanceof UnresolvedReferenceError) throw new SpecError('SPEC_REF_UNRESOLVED', locate(error.file, error.pointer), `a $ref that resolves: ${error.message}`, error.pointer);
    throw error;
  }
  let operations;
  try {
    operations = readOperations(document);
  } catch (error) {
    if (error instanceof OpenApiShapeError) throw new SpecError('SPEC_INVALID', locate(file, error.pointer), error.message, error.pointer);
    throw error;
  }
  const info = (root['info'] ?? {}) as Record<string, unknown>;
  const name = identifierOf(baseName);
  return {
    name,
    typeName: name.charAt(0).toUpperCase() + name.slice(1),
    file,
    title: typeof info['title'] === 'string' ? info['title'] : baseName,
    version: typeof info['version'] === 'string' ? info['version'] : '0',
    dialect: version.startsWith('3.0') ? '3.0' : '3.1',
    provenance: (root['x-provenance'] ?? info['x-provenance']) as Provenance | undefined,
    document,
    operations,
  };
}

function assertUniqueNames(documents: readonly OpenApiDocumentIR[]): void {
  const seen = new Map<string, string>();
  for (const document of documents) {
    const first = seen.get(document.name);
    if (first !== undefined) throw new SpecError('SPEC_DUPLICATE_NAME', { file: document.file, line: 1, column: 1 }, `a unique API name, but '${document.name}' is also ${first}`);
    seen.set(document.name, document.file);
  }
}
