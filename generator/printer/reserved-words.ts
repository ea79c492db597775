/**
 * ECMAScript reserved words and strict-mode future reserved words (ECMA-262 §13.1 and §12.7.2),
 * plus `await`: names generated from spec text must avoid them as identifiers.
 */
const WORDS =
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
  'instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package ' +
  'private protected public await';

export const RESERVED_WORDS: ReadonlySet<string> = new Set(WORDS.split(' '));
