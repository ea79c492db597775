/**
 * What generated clients and servers tell the HTTP runtime about one operation: data, not code,
 * so one small runtime serves every generated API (as Smithy's schema-driven serde does).
 */

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

/** The JSON type a parameter's string form is coerced to before validation. */
export type ValueKind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'unknown';

export interface ParameterDescriptor {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly kind: ValueKind;
  /** For arrays: the kind of each item. */
  readonly itemKind?: ValueKind;
}

/** How a body travels: JSON text, plain text, or raw bytes (Uint8Array). */
export type BodyEncoding = 'json' | 'text' | 'binary';

export interface MediaTypeDescriptor {
  /** Lower-case media type without parameters; may hold wildcards (`image/*`, `*\/*`). */
  readonly mediaType: string;
  readonly encoding: BodyEncoding;
}

export interface ResponseDescriptor {
  /** `200`, `4XX` or `default`, as the document writes it. */
  readonly status: string;
  readonly content: readonly MediaTypeDescriptor[];
}

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

export interface OperationDescriptor {
  /** The handler and client method name. */
  readonly name: string;
  readonly method: HttpMethod;
  /** Path template as written in the document, e.g. `/crls/{caId}/{municipalityCode}`. */
  readonly path: string;
  readonly parameters: readonly ParameterDescriptor[];
  readonly requestBody?: { readonly required: boolean; readonly content: readonly MediaTypeDescriptor[] };
  readonly responses: readonly ResponseDescriptor[];
  /** The security schemes the document names for the operation (ServerOptions.authorize decides how they combine); absent: none. */
  readonly security?: readonly string[];
}

/** Finds the response a status is documented under: exact code first, then `4XX`, then `default`. */
export function responseFor(operation: OperationDescriptor, status: number): ResponseDescriptor | undefined {
  const exact = operation.responses.find((response) => response.status === String(status));
  if (exact !== undefined) return exact;
  const range = operation.responses.find((response) => response.status.toUpperCase() === `${Math.floor(status / 100)}XX`);
  return range ?? operation.responses.find((response) => response.status.toLowerCase() === 'default');
}
