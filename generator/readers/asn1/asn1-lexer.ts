/**
 * X.680 §12 lexical items: references and identifiers, numbers, character/bit/hex strings,
 * the multi-character symbols, comments (`--` to the next `--` or end of line, nested `/* … *\/`).
 * Comments starting `--@` are jpkigen directives and are kept as their own tokens.
 */
import { SpecError } from '../../spec-error.js';

export type TokenKind = 'word' | 'number' | 'cstring' | 'bstring' | 'hstring' | 'symbol' | 'field' | 'directive' | 'end';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

const SYMBOLS = ['::=', '...', '[[', ']]', '..', '{', '}', '(', ')', '[', ']', ',', '.', ';', '|', '!', '^', '@', '<', '>', '-', ':', '=', '"', "'"] as const;

export function tokenize(file: string, text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  let line = 1;
  let lineStart = 0;
  const location = (at: number) => ({ file, line, column: at - lineStart + 1 });
  const push = (kind: TokenKind, value: string, start: number) => tokens.push({ kind, text: value, line, column: start - lineStart + 1 });

  while (index < text.length) {
    const character = text[index] as string;
    if (character === '\n') {
      index += 1;
      line += 1;
      lineStart = index;
      continue;
    }
    if (/\s/u.test(character)) {
      index += 1;
      continue;
    }
    if (text.startsWith('--', index)) {
      const start = index;
      index += 2;
      let body = '';
      while (index < text.length && text[index] !== '\n' && !text.startsWith('--', index)) body += text[index++];
      if (text.startsWith('--', index)) index += 2;
      if (body.startsWith('@')) push('directive', body.slice(1).trim(), start);
      continue;
    }
    if (text.startsWith('/*', index)) {
      const start = location(index);
      let depth = 0;
      while (index < text.length) {
        if (text.startsWith('/*', index)) {
          depth += 1;
          index += 2;
        } else if (text.startsWith('*/', index)) {
          depth -= 1;
          index += 2;
          if (depth === 0) break;
        } else {
          if (text[index] === '\n') {
            line += 1;
            lineStart = index + 1;
          }
          index += 1;
        }
      }
      if (depth !== 0) throw new SpecError('SPEC_SYNTAX', start, 'the end of this /* comment */');
      continue;
    }
    const start = index;
    if (/[A-Za-z]/u.test(character)) {
      while (index < text.length && /[A-Za-z0-9-]/u.test(text[index] as string)) {
        if (text.startsWith('--', index)) break;
        index += 1;
      }
      let word = text.slice(start, index);
      while (word.endsWith('-')) {
        word = word.slice(0, -1);
        index -= 1;
      }
      push('word', word, start);
      continue;
    }
    if (character === '&') {
      index += 1;
      while (index < text.length && /[A-Za-z0-9-]/u.test(text[index] as string)) index += 1;
      if (index === start + 1) throw new SpecError('SPEC_SYNTAX', location(start), 'a field name after &');
      push('field', text.slice(start, index), start);
      continue;
    }
    if (/[0-9]/u.test(character)) {
      while (index < text.length && /[0-9]/u.test(text[index] as string)) index += 1;
      push('number', text.slice(start, index), start);
      continue;
    }
    if (character === '"') {
      index += 1;
      let value = '';
      const startLine = line;
      const startColumn = start - lineStart + 1;
      for (;;) {
        if (index >= text.length) throw new SpecError('SPEC_SYNTAX', { file, line: startLine, column: startColumn }, 'a closing " for this string');
        if (text[index] === '"') {
          if (text[index + 1] === '"') {
            value += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        if (text[index] === '\n') {
          line += 1;
          lineStart = index + 1;
        }
        value += text[index++];
      }
      tokens.push({ kind: 'cstring', text: value, line: startLine, column: startColumn });
      continue;
    }
    if (character === "'") {
      const close = text.indexOf("'", index + 1);
      const suffix = close < 0 ? '' : (text[close + 1] ?? '');
      if (close < 0 || (suffix !== 'B' && suffix !== 'H')) throw new SpecError('SPEC_SYNTAX', location(start), "a bit string 'xxxx'B or hex string 'xxxx'H");
      const body = text.slice(index + 1, close).replace(/\s+/gu, '');
      if (suffix === 'B' ? !/^[01]*$/u.test(body) : !/^[0-9A-F]*$/u.test(body)) {
        throw new SpecError('SPEC_SYNTAX', location(start), suffix === 'B' ? 'only 0 and 1 in a bstring' : 'only 0-9 and A-F in an hstring');
      }
      push(suffix === 'B' ? 'bstring' : 'hstring', body, start);
      index = close + 2;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => text.startsWith(candidate, index));
    if (symbol === undefined || symbol === '"' || symbol === "'") {
      throw new SpecError('SPEC_SYNTAX', location(start), `an ASN.1 lexical item, found ${JSON.stringify(character)}`);
    }
    push('symbol', symbol, start);
    index += symbol.length;
  }
  tokens.push({ kind: 'end', text: '', line, column: index - lineStart + 1 });
  return tokens;
}
