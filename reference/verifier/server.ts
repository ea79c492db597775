/**
 * The verifier test interface (spec/openapi/verifier.yaml) served by the reference verifier: the
 * generated VerifierHandlers over a Verifier. The generated server has already checked the body
 * against VerificationRequest; what the verifier still finds wrong becomes reasons, and anything
 * it cannot judge becomes a 400 problem, never a crash.
 */
import type { RequestListener } from 'node:http';
import { createVerifierRequestListener, type VerifierHandlers } from '../../generated/openapi/verifier/index.js';
import { HttpProblem, type ServerOptions } from '../../runtime/http/index.js';
import { ValidationError } from '../../runtime/errors.js';
import type { Verifier } from './verifier.js';

export const IMPLEMENTATION = 'jpkigen reference verifier';

export function createVerifierHandlers(verifier: Verifier): VerifierHandlers {
  return {
    async verifySignature(request) {
      try {
        // The generated server has validated the body against VerificationRequest already.
        return { status: 200, contentType: 'application/json', body: await verifier.verifyValidatedRequest(request.body) };
      } catch (error) {
        if (error instanceof ValidationError) {
          throw new HttpProblem(400, 'invalidBody', error.message, error.issues.map((issue) => ({ pointer: `#${issue.pointer}`, detail: issue.message })));
        }
        throw error;
      }
    },
    getHealth() {
      return { status: 200, contentType: 'application/json', body: { status: 'ready', implementation: IMPLEMENTATION } };
    },
  };
}

export function createLiveVerifierRequestListener(verifier: Verifier, options?: ServerOptions): RequestListener {
  return createVerifierRequestListener(createVerifierHandlers(verifier), options);
}
