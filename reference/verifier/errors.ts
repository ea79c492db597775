/**
 * Typed errors of the reference verifier. Verification outcomes are not errors (they are decisions
 * with reason codes); these are for input the verifier cannot work with at all.
 */
import { JpkigenError } from '../../runtime/errors.js';

export type VerifierErrorCode =
  | 'invalidPublicKey'
  | 'invalidInput'
  | 'invalidCertificate'
  | 'invalidCms'
  | 'invalidLinkageList'
  | 'linkageLoop'
  | 'unsupportedAlgorithm';

export class VerifierError extends JpkigenError {
  override readonly code: VerifierErrorCode;

  constructor(code: VerifierErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.code = code;
  }
}
