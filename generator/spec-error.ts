import { JpkigenError } from '../runtime/errors.js';

/** A place in a spec file, 1-based as editors show it. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A spec cannot be read: malformed YAML, a meta-schema violation, a `$ref` to nowhere, a cycle,
 * a duplicate name. Always names the file, line and column, and what was expected there.
 */
export class SpecError extends JpkigenError {
  readonly location: SourceLocation;
  readonly pointer: string | undefined;
  readonly expected: string;

  constructor(code: SpecErrorCode, location: SourceLocation, expected: string, pointer?: string) {
    super(code, `${formatLocation(location)}: ${expected}${pointer === undefined ? '' : ` (at ${pointer === '' ? '/' : pointer})`}`);
    this.location = location;
    this.pointer = pointer;
    this.expected = expected;
  }
}

export type SpecErrorCode =
  | 'SPEC_SYNTAX'
  | 'SPEC_META_SCHEMA'
  | 'SPEC_REF_UNRESOLVED'
  | 'SPEC_REF_CYCLE'
  | 'SPEC_DUPLICATE_NAME'
  | 'SPEC_UNSUPPORTED'
  /** Well-formed, but inconsistent: an undeclared name, a contradiction, a test case that does not hold. */
  | 'SPEC_INVALID';

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}
