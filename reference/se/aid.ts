/**
 * Application identifiers as the OPEN handles them (ISO/IEC 7816-5; GPCS 2.3.1 §11.1.3): 5–16
 * bytes, compared whole or, for SELECT [by name] and GET STATUS, as a prefix ("partial AID").
 */
import { bytesToHex } from '../../runtime/index.js';

export const MIN_AID_LENGTH = 5;
export const MAX_AID_LENGTH = 16;

export function isValidAid(aid: Uint8Array): boolean {
  return aid.length >= MIN_AID_LENGTH && aid.length <= MAX_AID_LENGTH;
}

/** The map key of an AID: uppercase hex. */
export function aidKey(aid: Uint8Array): string {
  return bytesToHex(aid);
}

export function sameAid(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let index = 0; index < a.length; index += 1) if (a[index] !== b[index]) return false;
  return true;
}

/** True when `aid` starts with `partial` (an empty partial AID matches everything). */
export function aidStartsWith(aid: Uint8Array, partial: Uint8Array): boolean {
  if (partial.length > aid.length) return false;
  for (let index = 0; index < partial.length; index += 1) if (aid[index] !== partial[index]) return false;
  return true;
}
