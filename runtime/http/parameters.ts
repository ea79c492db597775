/**
 * Parameters on the wire, both directions. Path and query values follow OpenAPI's defaults
 * (style simple for path, form with explode for query); every path value is percent-encoded
 * whole, so a base64 value with `/` and `+` (the OCSP GET form, RFC 6960 Appendix A.1) stays
 * one segment.
 */
import type { ParameterDescriptor, ValueKind } from './operation.js';

export type ParameterValues = Readonly<Record<string, unknown>>;

export function formatScalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** Fills a path template; `undefined` for a missing parameter name. */
export function expandPath(template: string, values: ParameterValues): { path: string; missing: string | undefined } {
  let missing: string | undefined;
  const path = template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined || value === null) {
      missing ??= name;
      return '';
    }
    const text = Array.isArray(value) ? value.map(formatScalar).join(',') : formatScalar(value);
    return encodeURIComponent(text);
  });
  return { path, missing };
}

export function appendQuery(search: URLSearchParams, values: ParameterValues): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) search.append(name, formatScalar(item));
    else search.append(name, formatScalar(value));
  }
}

export function cookieHeader(values: ParameterValues): string | undefined {
  const pairs = Object.entries(values)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `${name}=${encodeURIComponent(formatScalar(value))}`);
  return pairs.length === 0 ? undefined : pairs.join('; ');
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim();
    cookies[name] = safeDecode(raw) ?? raw;
  }
  return cookies;
}

export function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * A parameter's string form → the JSON type its schema wants, so the compiled validator sees a
 * number as a number. Text that does not convert stays text, and the validator reports it.
 */
export function coerceParameter(descriptor: ParameterDescriptor, raw: string | readonly string[]): unknown {
  if (descriptor.kind === 'array') {
    const items = typeof raw === 'string' ? (descriptor.in === 'query' ? [raw] : raw.split(',')) : [...raw];
    return items.map((item) => coerceScalar(descriptor.itemKind ?? 'string', item));
  }
  const text = typeof raw === 'string' ? raw : (raw[raw.length - 1] ?? '');
  return coerceScalar(descriptor.kind, text);
}

function coerceScalar(kind: ValueKind, text: string): unknown {
  switch (kind) {
    case 'integer':
    case 'number': {
      if (!/^-?(?:\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) return text;
      return Number(text);
    }
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'object':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    default:
      return text;
  }
}
