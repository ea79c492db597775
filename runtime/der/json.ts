/**
 * Decoded ASN.1 values as JSON: bytes as lower-case hex, INTEGERs that need bigint as decimal
 * strings, times as ISO 8601, BIT STRINGs as { bits, unusedBits }. Kept exact bytes (`$der`) are
 * left out unless asked for; open values keep their DER as hex beside the decoded value.
 */
import { bytesToHex } from '../hex.js';

export interface JsonOptions {
  /** Include `$der` (the kept exact encoding of signed parts). */
  readonly includeKeptDer?: boolean;
}

export function toJsonValue(value: unknown, options?: JsonOptions): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item, options));
  if (typeof value === 'object' && Symbol.iterator in value && typeof (value as { length?: unknown }).length === 'number') {
    return [...(value as Iterable<unknown>)].map((item) => toJsonValue(item, options));
  }
  if (typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (key === '$der' && options?.includeKeptDer !== true) continue;
      if (entry === undefined) continue;
      result[key] = toJsonValue(entry, options);
    }
    return result;
  }
  return String(value);
}
