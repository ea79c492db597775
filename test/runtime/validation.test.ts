import { describe, expect, it } from 'vitest';
import { JpkigenError, ValidationError } from '../../runtime/errors.js';
import { parseWithValidator, toValidationIssues, type CompiledValidator, type CompiledValidatorError } from '../../runtime/validation.js';

/** A validator shaped as ajv's standalone ones: sets `errors` and returns a verdict. */
function fakeValidator(errors: readonly CompiledValidatorError[] | null): CompiledValidator {
  const validate = ((_data: unknown) => {
    validate.errors = errors;
    return errors === null;
  }) as CompiledValidator;
  return validate;
}

describe('parseWithValidator', () => {
  it('returns the very value when it is valid', () => {
    const value = { a: 1 };
    expect(parseWithValidator(fakeValidator(null), value, 'T')).toBe(value);
  });

  it('throws a ValidationError listing every failure with its pointer', () => {
    const validate = fakeValidator([
      { instancePath: '', schemaPath: '#/required', keyword: 'required', params: { missingProperty: 'a' }, message: "must have required property 'a'" },
      { instancePath: '/b/0', schemaPath: '#/properties/b/items/enum', keyword: 'enum', params: { allowedValues: ['x', 'y'] }, message: 'must be equal to one of the allowed values' },
    ]);
    let caught: unknown;
    try {
      parseWithValidator(validate, {}, 'Thing');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect(caught).toBeInstanceOf(JpkigenError);
    const error = caught as ValidationError;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.typeName).toBe('Thing');
    expect(error.issues.map(({ pointer, keyword }) => ({ pointer, keyword }))).toEqual([
      { pointer: '', keyword: 'required' },
      { pointer: '/b/0', keyword: 'enum' },
    ]);
    expect(error.message).toBe(
      "invalid Thing (2 issues):\n  (root): must have required property 'a'\n  /b/0: must be equal to one of the allowed values (one of [\"x\",\"y\"])",
    );
  });

  it('reports the unexpected property by name', () => {
    const [issue] = toValidationIssues([
      { instancePath: '/o', schemaPath: '#/additionalProperties', keyword: 'additionalProperties', params: { additionalProperty: 'zz' }, message: 'must NOT have additional properties' },
    ]);
    expect(issue?.message).toBe("must NOT have additional properties (unexpected property 'zz')");
  });
});
