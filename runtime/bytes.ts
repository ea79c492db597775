/** Byte helpers shared across the runtime. */
import { timingSafeEqual } from 'node:crypto';

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Compares secret-dependent values (MACs, cryptograms, PINs) in time independent of where they
 * differ. Lengths are public (they follow from the protocol), so a length mismatch may return early.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
