import { describe, expect, it } from 'vitest';
import { SpecError } from '../../generator/spec-error.js';
import { parseYamlSource, pointerFromSegments, pointerSegments } from '../../generator/yaml-source.js';

describe('parseYamlSource', () => {
  it('locates a pointer at the key that introduces it', () => {
    const source = parseYamlSource('f.yaml', 'a:\n  b:\n    - x\n    - y\n  "c/d": 1\n');
    expect(source.locate('')).toEqual({ file: 'f.yaml', line: 1, column: 1 });
    expect(source.locate('/a/b')).toEqual({ file: 'f.yaml', line: 2, column: 3 });
    expect(source.locate('/a/b/1')).toEqual({ file: 'f.yaml', line: 4, column: 7 });
    expect(source.locate('/a/c~1d')).toEqual({ file: 'f.yaml', line: 5, column: 3 });
  });

  it('reports a missing property where its parent object was introduced', () => {
    const source = parseYamlSource('f.yaml', 'a:\n  b: 1\n');
    expect(source.locate('/a/missing')).toEqual({ file: 'f.yaml', line: 1, column: 1 });
  });

  it.each([
    ['unclosed flow mapping', 'a: { b: 1\n', 2],
    ['bad indentation', 'a:\n  b: 1\n c: 2\n', 3],
    ['duplicate key', 'a: 1\na: 2\n', 2],
  ])('reports %s with line and column', (_name, text, line) => {
    let caught: unknown;
    try {
      parseYamlSource('bad.yaml', text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SpecError);
    const error = caught as SpecError;
    expect(error.code).toBe('SPEC_SYNTAX');
    expect(error.location.file).toBe('bad.yaml');
    expect(error.location.line).toBe(line);
    expect(error.message).toMatch(/^bad\.yaml:\d+:\d+: well-formed YAML/);
  });
});

describe('JSON pointers', () => {
  it('round-trip through segments with RFC 6901 escapes', () => {
    const segments = ['a/b', 'c~d', '0', ''];
    expect(pointerFromSegments(segments)).toBe('/a~1b/c~0d/0/');
    expect(pointerSegments(pointerFromSegments(segments))).toEqual(segments);
    expect(pointerSegments('')).toEqual([]);
  });
});

describe('pointerSegments', () => {
  it('percent-decodes only the URI fragment form, and keeps a malformed escape', () => {
    expect(pointerSegments('/a%20b')).toEqual(['a%20b']);
    expect(pointerSegments('#/a%20b')).toEqual(['a b']);
    expect(pointerSegments('#/100%')).toEqual(['100%']);
    expect(pointerSegments('/100%')).toEqual(['100%']);
  });
});

describe('YAML aliases', () => {
  it('reports an alias to an undefined anchor where it is written', () => {
    let caught: unknown;
    try {
      parseYamlSource('alias.yaml', 'a: 1\nb: *nowhere\n');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SpecError);
    expect((caught as SpecError).location).toEqual({ file: 'alias.yaml', line: 2, column: 4 });
  });

  it('refuses an alias bomb', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level += 1) levels.push(`${'abcdefgh'[level]}: &${'abcdefgh'[level]} [${Array(10).fill(`*${'abcdefgh'[level - 1]}`).join(', ')}]`);
    expect(() => parseYamlSource('bomb.yaml', levels.join('\n'))).toThrow(SpecError);
  });
});
