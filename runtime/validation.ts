import { ValidationError, type ValidationIssue } from './errors.js';

/** The shape of an ajv error object, as standalone validators report it. */
export interface CompiledValidatorError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** A validator compiled at generate time (ajv standalone code): no schema compilation at run time. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: readonly CompiledValidatorError[] | null;
}

/** Turns a compiled validator's errors into located issues. */
export function toValidationIssues(errors: readonly CompiledValidatorError[] | null | undefined): ValidationIssue[] {
  return (errors ?? []).map((error) => ({
    pointer: error.instancePath,
    keyword: error.keyword,
    message: describeError(error),
    schemaPath: error.schemaPath,
  }));
}

function describeError(error: CompiledValidatorError): string {
  const base = error.message ?? `fails ${error.keyword}`;
  const detail = describeParams(error);
  return detail === '' ? base : `${base} (${detail})`;
}

function describeParams(error: CompiledValidatorError): string {
  const { params } = error;
  switch (error.keyword) {
    case 'enum':
      return `one of ${JSON.stringify(params['allowedValues'])}`;
    case 'const':
      return `exactly ${JSON.stringify(params['allowedValue'])}`;
    case 'additionalProperties':
      return `unexpected property '${String(params['additionalProperty'])}'`;
    default:
      return '';
  }
}

/** Validates `json` and returns it typed, or throws a ValidationError listing every failure. */
export function parseWithValidator<T>(validate: CompiledValidator, json: unknown, typeName: string): T {
  if (validate(json)) return json as T;
  throw new ValidationError(typeName, toValidationIssues(validate.errors));
}
