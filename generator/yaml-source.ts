import { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
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
  const value: unknown = document.toJS({ maxAliasCount: 100 });
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

/** Splits an RFC 6901 JSON pointer into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  return pointer
    .replace(/^#/, '')
    .slice(1)
    .split('/')
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
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
