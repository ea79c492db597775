/** Typed errors of the reference CA: a stable code each, and the message says what was expected. */
import { JpkigenError } from '../../runtime/errors.js';

export type CaErrorCode =
  | 'CA_NOT_BOOTSTRAPPED'
  | 'CA_UNKNOWN_CA'
  | 'CA_UNKNOWN_CERTIFICATE'
  | 'CA_UNKNOWN_HOLDER'
  | 'CA_NO_CARD_CERTIFICATE'
  | 'CA_ALREADY_REVOKED'
  | 'CA_NOT_HELD'
  | 'CA_BAD_REASON'
  | 'CA_BAD_PUBLIC_KEY'
  | 'CA_BAD_REQUEST'
  | 'CA_VALIDITY'
  | 'CA_SERIAL_COLLISION';

export class CaError extends JpkigenError {
  declare readonly code: CaErrorCode;

  constructor(code: CaErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}
