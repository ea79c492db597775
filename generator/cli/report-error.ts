import { ValidationError } from '../../runtime/errors.js';
import { SpecError } from '../spec-error.js';
import { ExitCode, printError, printJson } from './output.js';

/**
 * Ends a command that threw: spec and usage problems exit 2 with the location; anything else is
 * a bug in jpkigen and says so.
 */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof SpecError) {
    if (json) printJson({ ok: false, error: { code: error.code, ...error.location, pointer: error.pointer, expected: error.expected } });
    else printError(error.message);
    return ExitCode.usage;
  }
  if (error instanceof ValidationError) {
    if (json) printJson({ ok: false, error: { code: error.code, type: error.typeName, issues: error.issues } });
    else printError(error.message);
    return ExitCode.failed;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) printJson({ ok: false, error: { code: 'INTERNAL', message: String(error) } });
  else printError(`internal error (please report): ${message}`);
  return ExitCode.usage;
}
