export { JpkigenError, ValidationError, type ValidationIssue } from './errors.js';
export {
  parseWithValidator,
  toValidationIssues,
  type CompiledValidator,
  type CompiledValidatorError,
} from './validation.js';
