/**
 * Typed errors shared by the generator, the generated code and the reference parties.
 * Every error carries a stable `code` so callers branch on it rather than on message text.
 */
export class JpkigenError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** One failed constraint, located by the JSON pointer (RFC 6901) of the offending value. */
export interface ValidationIssue {
  /** JSON pointer of the failing value; "" is the document root. */
  readonly pointer: string;
  /** The JSON Schema keyword that failed (`required`, `pattern`, `enum`, …). */
  readonly keyword: string;
  /** What was expected there, in words. */
  readonly message: string;
  /** Where in the schema the keyword sits. */
  readonly schemaPath: string;
}

/** A value did not match its message design. Lists every failure, not just the first. */
export class ValidationError extends JpkigenError {
  readonly typeName: string;
  readonly issues: readonly ValidationIssue[];

  constructor(typeName: string, issues: readonly ValidationIssue[]) {
    super('VALIDATION_FAILED', formatValidationMessage(typeName, issues));
    this.typeName = typeName;
    this.issues = issues;
  }
}

function formatValidationMessage(typeName: string, issues: readonly ValidationIssue[]): string {
  const lines = issues.map((issue) => `  ${issue.pointer === '' ? '(root)' : issue.pointer}: ${issue.message}`);
  return `invalid ${typeName} (${issues.length} ${issues.length === 1 ? 'issue' : 'issues'}):\n${lines.join('\n')}`;
}
