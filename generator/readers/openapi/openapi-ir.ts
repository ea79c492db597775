/** The IR of an OpenAPI document: the bundled document (for type emission) plus its operations, resolved. */
import type { Provenance } from '../../ir.js';
import type { BodyEncoding, HttpMethod, ParameterLocation, ValueKind } from '../../../runtime/http/operation.js';

export interface MediaTypeIR {
  /** The key as the document writes it (the types index by it). */
  readonly key: string;
  /** Lower-case, without parameters. */
  readonly mediaType: string;
  readonly encoding: BodyEncoding;
  /** Local-ref schema, or undefined when the media type has none. */
  readonly schema: unknown;
  /** Example values; for binary media types, base64 strings of the bytes. */
  readonly examples: readonly unknown[];
}

export interface ParameterIR {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly schema: unknown;
  readonly kind: ValueKind;
  readonly itemKind: ValueKind | undefined;
  readonly examples: readonly unknown[];
  readonly description: string | undefined;
}

export interface ResponseIR {
  readonly status: string;
  readonly description: string;
  readonly content: readonly MediaTypeIR[];
}

/** A request/response case written into the document (x-test-cases), as Smithy's @httpRequestTests. */
export interface HttpTestCaseIR {
  readonly id: string;
  readonly description: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly wire: Readonly<Record<string, unknown>>;
  readonly output: Readonly<Record<string, unknown>>;
}

/** A request the server must refuse (x-malformed-requests), as Smithy's @httpMalformedRequestTests. */
export interface MalformedRequestIR {
  readonly id: string;
  readonly description: string;
  readonly wire: Readonly<Record<string, unknown>>;
  readonly expect: { readonly status: number; readonly code?: string; readonly pointers?: readonly string[] };
}

export interface OperationIR {
  /** The client method and handler name: the operationId as an identifier, or derived from method and path. */
  readonly name: string;
  readonly operationId: string | undefined;
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string | undefined;
  readonly description: string | undefined;
  readonly deprecated: boolean;
  readonly provenance: Provenance | undefined;
  readonly security: readonly string[];
  readonly parameters: readonly ParameterIR[];
  readonly requestBody: { readonly required: boolean; readonly content: readonly MediaTypeIR[] } | undefined;
  readonly responses: readonly ResponseIR[];
  readonly testCases: readonly HttpTestCaseIR[];
  readonly malformedRequests: readonly MalformedRequestIR[];
}

export interface OpenApiDocumentIR {
  /** camelCase identifier of the API (`revocation`, `spTsm`); names the output folder and exports. */
  readonly name: string;
  /** PascalCase form (`Revocation`, `SpTsm`). */
  readonly typeName: string;
  readonly file: string;
  readonly title: string;
  readonly version: string;
  /** `3.0` or `3.1`. */
  readonly dialect: '3.0' | '3.1';
  readonly provenance: Provenance | undefined;
  /** The bundled document: every `$ref` local. */
  readonly document: Readonly<Record<string, unknown>>;
  readonly operations: readonly OperationIR[];
}

export interface OpenApiIR {
  readonly documents: readonly OpenApiDocumentIR[];
}
