/** Typed errors of the simulated secure element (never raised by `transmit`, which answers status words). */
import { JpkigenError } from '../../runtime/index.js';

export type SecureElementErrorCode =
  /** An option given to build a secure element is out of range (ATR, keys, AIDs). */
  | 'SE_INVALID_OPTION'
  /** A stored secure element's file cannot be read as one: not JSON, wrong format, missing or mistyped fields. */
  | 'SE_STATE_CORRUPT'
  /** The store holds no secure element with this id. */
  | 'SE_NOT_FOUND'
  /** The store already holds a secure element with this id. */
  | 'SE_ALREADY_EXISTS'
  /** Saved state names an executable module the secure element's ROM does not hold. */
  | 'SE_UNKNOWN_MODULE'
  /** A secure element id is not usable as a file name. */
  | 'SE_INVALID_ID';

export class SecureElementError extends JpkigenError {
  declare readonly code: SecureElementErrorCode;

  constructor(code: SecureElementErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** A stored state file that cannot be restored; `file` names it, `path` the field at fault. */
export class SecureElementStateError extends SecureElementError {
  readonly file: string;
  readonly path: string;

  constructor(file: string, path: string, expected: string, options?: ErrorOptions) {
    super('SE_STATE_CORRUPT', `${file}: ${path === '' ? 'the file' : path} — expected ${expected}`, options);
    this.file = file;
    this.path = path;
  }
}
