/**
 * The plumbing every generated client method goes through: put the input on the wire, send it
 * with a timeout, retry on 429 and 503 as the server advises, and decode the answer by its media
 * type. Bodies of binary media types are Uint8Array both ways.
 */
import type { CompiledValidator } from '../validation.js';
import { toValidationIssues } from '../validation.js';
import { HttpRequestError, HttpResponseError, HttpTimeoutError, HttpUnexpectedResponseError } from './errors.js';
import { encodingOf, essenceOf, findMediaType } from './media-type.js';
import { responseFor, type OperationDescriptor } from './operation.js';
import { appendQuery, cookieHeader, expandPath, formatScalar, type ParameterValues } from './parameters.js';
import { isProblemDetails, PROBLEM_MEDIA_TYPE } from './problem.js';
import { DEFAULT_RETRY_POLICY, RETRYABLE_STATUSES, retryDelay, sleep, type RetryPolicy } from './retry.js';

export interface ClientOptions {
  /** Where the API is served, e.g. `http://127.0.0.1:8080/revocation/v1`. */
  readonly baseUrl: string;
  /** Defaults to the global fetch. */
  readonly fetch?: typeof fetch;
  /** Per attempt; 30 s unless given. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Sent with every request (credentials, tracing). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Check JSON answers against the document's schemas (generated validators); off unless set. */
  readonly validateResponses?: boolean;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a generated method hands the runtime. */
export interface OperationInput {
  readonly path?: ParameterValues;
  readonly query?: ParameterValues;
  readonly header?: ParameterValues;
  readonly cookie?: ParameterValues;
  readonly body?: unknown;
  /** Which of the operation's request media types the body is in; the first declared one when absent. */
  readonly contentType?: string;
  /** Overrides the Accept header built from the documented response media types. */
  readonly accept?: string;
}

export interface OperationResult {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: unknown;
  readonly headers: Headers;
}

/** Response validators by status, then by media type. */
export type ResponseValidators = Readonly<Record<string, Readonly<Record<string, CompiledValidator>>>>;

export interface ClientRuntime {
  readonly options: ClientOptions;
  readonly policy: RetryPolicy;
}

export function createClientRuntime(options: ClientOptions): ClientRuntime {
  if (!/^https?:\/\//i.test(options.baseUrl)) throw new TypeError(`baseUrl must be an http(s) URL, not '${options.baseUrl}'`);
  return { options, policy: { ...DEFAULT_RETRY_POLICY, ...options.retry } };
}

export async function callOperation(
  runtime: ClientRuntime,
  operation: OperationDescriptor,
  input: OperationInput,
  callOptions: CallOptions = {},
  responseValidators?: ResponseValidators,
): Promise<OperationResult> {
  const request = buildRequest(runtime.options, operation, input, callOptions);
  const timeoutMs = callOptions.timeoutMs ?? runtime.options.timeoutMs ?? 30_000;
  const fetchImplementation = runtime.options.fetch ?? fetch;
  for (let attempt = 1; ; attempt += 1) {
    const response = await sendOnce(fetchImplementation, operation.name, request, timeoutMs, callOptions.signal);
    if (RETRYABLE_STATUSES.has(response.status)) {
      const delay = retryDelay(runtime.policy, attempt, response.headers.get('retry-after'));
      if (delay !== undefined) {
        await response.body?.cancel();
        await sleep(delay, callOptions.signal);
        continue;
      }
    }
    return decodeResponse(operation, response, runtime.options.validateResponses === true ? responseValidators : undefined);
  }
}

interface PreparedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | undefined;
}

function buildRequest(options: ClientOptions, operation: OperationDescriptor, input: OperationInput, callOptions: CallOptions): PreparedRequest {
  const { path, missing } = expandPath(operation.path, input.path ?? {});
  if (missing !== undefined) throw new HttpRequestError(operation.name, `path parameter '${missing}' is required`);
  const search = new URLSearchParams();
  appendQuery(search, input.query ?? {});
  const query = search.toString();
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}${query === '' ? '' : `?${query}`}`;
  const headers: Record<string, string> = { ...options.headers };
  for (const [name, value] of Object.entries(input.header ?? {})) {
    if (value !== undefined && value !== null) headers[name.toLowerCase()] = Array.isArray(value) ? value.map(formatScalar).join(',') : formatScalar(value);
  }
  const cookie = cookieHeader(input.cookie ?? {});
  if (cookie !== undefined) headers['cookie'] = cookie;
  const accept = input.accept ?? acceptHeader(operation);
  if (accept !== undefined) headers['accept'] = accept;
  for (const [name, value] of Object.entries(callOptions.headers ?? {})) headers[name.toLowerCase()] = value;
  return { url, method: operation.method.toUpperCase(), headers, body: encodeRequestBody(operation, input, headers) };
}

function acceptHeader(operation: OperationDescriptor): string | undefined {
  const types = new Set<string>();
  for (const response of operation.responses) for (const media of response.content) types.add(media.mediaType);
  return types.size === 0 ? undefined : [...types].join(', ');
}

function encodeRequestBody(operation: OperationDescriptor, input: OperationInput, headers: Record<string, string>): string | Uint8Array | undefined {
  const declared = operation.requestBody;
  if (input.body === undefined) {
    if (declared?.required === true) throw new HttpRequestError(operation.name, 'a request body is required');
    return undefined;
  }
  if (declared === undefined) throw new HttpRequestError(operation.name, 'the operation takes no request body');
  const mediaType = input.contentType ?? declared.content[0]?.mediaType ?? 'application/json';
  const media = findMediaType(declared.content, essenceOf(mediaType) ?? mediaType);
  if (media === undefined) throw new HttpRequestError(operation.name, `'${mediaType}' is not one of the request media types (${declared.content.map((entry) => entry.mediaType).join(', ')})`);
  headers['content-type'] = mediaType.includes('*') ? 'application/octet-stream' : mediaType;
  switch (encodingOf(mediaType)) {
    case 'json':
      return JSON.stringify(input.body);
    case 'text':
      if (typeof input.body !== 'string') throw new HttpRequestError(operation.name, `a ${mediaType} body must be a string`);
      return input.body;
    case 'binary':
      if (!(input.body instanceof Uint8Array)) throw new HttpRequestError(operation.name, `a ${mediaType} body must be a Uint8Array`);
      return input.body;
  }
}

async function sendOnce(
  fetchImplementation: typeof fetch,
  operation: string,
  request: PreparedRequest,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
  try {
    return await fetchImplementation(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: combined,
    });
  } catch (error) {
    if (timeout.aborted && signal?.aborted !== true) throw new HttpTimeoutError(operation, timeoutMs, { cause: error });
    throw error;
  }
}

async function decodeResponse(operation: OperationDescriptor, response: Response, validators: ResponseValidators | undefined): Promise<OperationResult> {
  const contentType = essenceOf(response.headers.get('content-type'));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const body = decodeBody(operation.name, response.status, contentType, bytes);
  const result = { status: response.status, contentType, body, headers: response.headers };
  if (validators !== undefined && contentType !== undefined) checkResponse(operation, result, validators);
  if (response.status >= 200 && response.status < 300) return result;
  const problem = contentType === PROBLEM_MEDIA_TYPE && isProblemDetails(body) ? body : undefined;
  throw new HttpResponseError(operation.name, { status: response.status, contentType, body }, problem, response.headers);
}

function decodeBody(operation: string, status: number, contentType: string | undefined, bytes: Uint8Array): unknown {
  if (bytes.length === 0 && (contentType === undefined || encodingOf(contentType) !== 'binary')) return undefined;
  if (contentType === undefined) return bytes;
  switch (encodingOf(contentType)) {
    case 'json':
      try {
        return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
      } catch (error) {
        throw new HttpUnexpectedResponseError(operation, status, `a ${contentType} body that is not JSON`, { cause: error });
      }
    case 'text':
      return new TextDecoder().decode(bytes);
    case 'binary':
      return bytes;
  }
}

function checkResponse(operation: OperationDescriptor, result: OperationResult, validators: ResponseValidators): void {
  const declared = responseFor(operation, result.status);
  if (declared === undefined || result.contentType === undefined) return;
  const media = findMediaType(declared.content, result.contentType);
  if (media === undefined && declared.content.length > 0) {
    throw new HttpUnexpectedResponseError(operation.name, result.status, `undeclared media type ${result.contentType}`);
  }
  const validate = validators[declared.status]?.[media?.mediaType ?? ''];
  if (validate !== undefined && !validate(result.body)) {
    const issues = toValidationIssues(validate.errors);
    throw new HttpUnexpectedResponseError(operation.name, result.status, `a body that breaks its schema: ${issues.map((issue) => `${issue.pointer || '/'} ${issue.message}`).join('; ')}`);
  }
}
