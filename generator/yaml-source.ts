import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { SpecError, type SourceLocation } from './spec-error.js';

/** A parsed YAML spec file that can say where any JSON pointer inside it was written. */
export interface YamlSource {
  /** Path relative to the project root, with forward slashes. */
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  locate(pointer: string): SourceLocation;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const firstError = document.errors[0];
  if (firstError !== undefined) {
    const position = lineCounter.linePos(firstError.pos[0]);
    throw new SpecError(
      'SPEC_SYNTAX',
      { file, line: position.line, column: position.col },
      `well-formed YAML: ${firstError.message.split('\n')[0] ?? firstError.code}`,
    );
  }
  const value = documentValue(file, document, lineCounter);
  return {
    file,
    text,
    value,
    locate(pointer) {
      const offset = offsetOfPointer(document, pointer);
      const position = lineCounter.linePos(offset);
      return { file, line: position.line, column: position.col };
    },
  };
}

/** The document as plain data; an alias to an undefined anchor, or an alias bomb, is a syntax error. */
function documentValue(file: string, document: Document, lineCounter: LineCounter): unknown {
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    let offset = 0;
    visit(document, {
      Alias(_key, node) {
        if (node.resolve(document) !== undefined) return undefined;
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const position = lineCounter.linePos(offset);
    throw new SpecError('SPEC_SYNTAX', { file, line: position.line, column: position.col }, `well-formed YAML: ${(error as Error).message}`);
  }
}

/**
 * Splits an RFC 6901 JSON pointer into unescaped segments. The URI fragment form (`#/a%20b`)
 * is percent-decoded as well; a malformed escape is kept literally.
 */
export function pointerSegments(pointer: string): string[] {
  const isFragment = pointer.startsWith('#');
  const body = isFragment ? pointer.slice(1) : pointer;
  if (body === '') return [];
  return body
    .slice(1)
    .split('/')
    .map((segment) => (isFragment ? percentDecoded(segment) : segment).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function percentDecoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function pointerFromSegments(segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * Walks the YAML node tree along the pointer and returns the source offset of the deepest node
 * reached: a missing property is reported where its parent object was written.
 */
function offsetOfPointer(document: Document, pointer: string): number {
  let node: unknown = document.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of pointerSegments(pointer)) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment);
      if (pair === undefined) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}
