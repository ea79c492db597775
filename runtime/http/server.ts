/**
 * The plumbing every generated server goes through: route, check the media type, read the body
 * within its size limit, validate parameters and body with the validators compiled at generate
 * time, call the typed handler, check the answer in development mode and write it. Every failure
 * becomes an RFC 9457 problem; nothing a client sends can stop the server.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { JpkigenError } from '../errors.js';
import { toValidationIssues, type CompiledValidator } from '../validation.js';
import type { ResponseValidators } from './client.js';
import { encodingOf, essenceOf, findMediaType, negotiate } from './media-type.js';
import { responseFor, type OperationDescriptor, type ParameterDescriptor } from './operation.js';
import { coerceParameter, parseCookies } from './parameters.js';
import { fieldErrors, problem, PROBLEM_MEDIA_TYPE, type ProblemDetails, type ProblemFieldError } from './problem.js';
import { createRouter } from './router.js';

export interface OperationValidators {
  /** Checks `{ path, query, header, cookie }` after coercion. */
  readonly parameters?: CompiledValidator;
  /** Request body validators by media type. */
  readonly body?: Readonly<Record<string, CompiledValidator>>;
  readonly responses?: ResponseValidators;
}

/** What a generated server module hands the runtime. */
export interface ServerApi {
  readonly title: string;
  readonly operations: readonly OperationDescriptor[];
  readonly validators: Readonly<Record<string, OperationValidators>>;
}

export interface HandlerRequest {
  readonly path: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly header: Readonly<Record<string, unknown>>;
  readonly cookie: Readonly<Record<string, unknown>>;
  readonly body: unknown;
  readonly contentType: string | undefined;
}

export interface HandlerContext {
  readonly operation: string;
  /** The raw request, for what the document does not describe (client certificate, remote address). */
  readonly raw: IncomingMessage;
  /** Of the given media types, the one the client's Accept header prefers. */
  preferredMediaType<T extends string>(...offered: T[]): T | undefined;
}

export interface HandlerResponse {
  readonly status: number;
  readonly contentType?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (request: HandlerRequest, context: HandlerContext) => HandlerResponse | Promise<HandlerResponse>;

export interface ServerOptions {
  /** Largest request body accepted, in bytes (1 MiB unless given). */
  readonly bodyLimit?: number;
  /** Check every answer against the document; on unless NODE_ENV is `production`. */
  readonly validateResponses?: boolean;
  /** A prefix the API is mounted under, e.g. `/revocation/v1`. */
  readonly basePath?: string;
  /**
   * Decides whether a call to an operation that names security schemes may proceed (mutual TLS:
   * look at `request.socket`; bearer: the Authorization header). Refused calls get 401. Without it,
   * security is left to the layer in front (a TLS-terminating proxy, Fastify hooks).
   */
  readonly authorize?: (request: IncomingMessage, operation: { readonly name: string; readonly security: readonly string[] }) => boolean | Promise<boolean>;
  /** Told about handler failures (answered with a bare 500); never about client errors. */
  readonly onError?: (error: unknown, operation: string) => void;
}

/** A handler's way to answer with a problem of its own: `throw new HttpProblem(404, 'crlNotFound', '…')`. */
export class HttpProblem extends JpkigenError {
  readonly status: number;
  readonly errors: readonly ProblemFieldError[] | undefined;

  constructor(status: number, code: string, detail: string, errors?: readonly ProblemFieldError[]) {
    super(code, detail);
    this.status = status;
    this.errors = errors;
  }
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function createRequestListener(api: ServerApi, handlers: Readonly<Record<string, Handler>>, options: ServerOptions = {}): RequestListener {
  for (const operation of api.operations) {
    if (typeof handlers[operation.name] !== 'function') throw new TypeError(`${api.title}: no handler for operation '${operation.name}'`);
  }
  const router = createRouter(api.operations);
  const settings = {
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    validateResponses: options.validateResponses ?? process.env['NODE_ENV'] !== 'production',
    basePath: (options.basePath ?? '').replace(/\/+$/, ''),
    onError: options.onError,
    authorize: options.authorize,
  };
  return (request, response) => {
    handle(api, handlers, router, settings, request, response).catch((error: unknown) => {
      settings.onError?.(error, '(router)');
      if (!response.headersSent) sendProblem(response, problem(500, 'internalError', 'The server failed to answer.'));
      else response.destroy();
    });
  };
}

type Settings = { bodyLimit: number; validateResponses: boolean; basePath: string; onError: ServerOptions['onError']; authorize: ServerOptions['authorize'] };

async function handle(
  api: ServerApi,
  handlers: Readonly<Record<string, Handler>>,
  router: ReturnType<typeof createRouter>,
  settings: Settings,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const rawUrl = request.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  let rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  if (settings.basePath !== '') {
    if (rawPath !== settings.basePath && !rawPath.startsWith(`${settings.basePath}/`)) return reject(request, response, problem(404, 'unknownRoute', `No operation at ${rawPath}.`));
    rawPath = rawPath.slice(settings.basePath.length) || '/';
  }
  const match = router.match(request.method ?? 'GET', rawPath);
  if (match.kind === 'not-found') return reject(request, response, problem(404, 'unknownRoute', `No operation at ${rawPath.slice(0, 200)}.`));
  if (match.kind === 'bad-encoding') return reject(request, response, problem(400, 'badPathEncoding', `A path segment is not valid percent-encoding: ${match.segment.slice(0, 100)}`));
  if (match.kind === 'method-not-allowed') {
    return reject(request, response, problem(405, 'methodNotAllowed', `${request.method ?? ''} is not allowed here; use ${match.allow.join(', ')}.`), { allow: match.allow.join(', ') });
  }
  const { operation, pathParameters } = match;
  const validators = api.validators[operation.name] ?? {};
  const security = operation.security ?? [];
  if (settings.authorize !== undefined && security.length > 0 && !(await settings.authorize(request, { name: operation.name, security }))) {
    return reject(request, response, problem(401, 'unauthorized', `${operation.name} needs one of: ${security.join(', ')}.`));
  }

  const contentType = essenceOf(request.headers['content-type']);
  const declaredBody = operation.requestBody;
  const contentLength = request.headers['content-length'];
  const announcesBody = (contentLength !== undefined && contentLength !== '0') || request.headers['transfer-encoding'] !== undefined;
  if (announcesBody && declaredBody === undefined) {
    return reject(request, response, problem(415, 'unexpectedBody', `${operation.name} takes no request body.`));
  }
  if (announcesBody && declaredBody !== undefined && (contentType === undefined || findMediaType(declaredBody.content, contentType) === undefined)) {
    const accepted = declaredBody.content.map((media) => media.mediaType).join(', ');
    return reject(request, response, problem(415, 'unsupportedMediaType', `Content-Type ${contentType ?? '(none)'} is not accepted; send ${accepted}.`), { 'accept-post': accepted });
  }
  if (contentLength !== undefined && Number(contentLength) > settings.bodyLimit) {
    return reject(request, response, problem(413, 'bodyTooLarge', `The body exceeds ${settings.bodyLimit} bytes.`));
  }

  const successTypes = successMediaTypes(operation);
  const accept = headerText(request.headers['accept']);
  if (accept !== undefined && successTypes.length > 0 && negotiate(accept, [...successTypes, ...errorMediaTypes(operation)]) === undefined) {
    return reject(request, response, problem(406, 'notAcceptable', `None of ${successTypes.join(', ')} is acceptable to the client.`));
  }

  const bytes = await readBody(request, settings.bodyLimit);
  if (bytes === 'too-large') return reject(request, response, problem(413, 'bodyTooLarge', `The body exceeds ${settings.bodyLimit} bytes.`));
  if (bytes.length > 0 && declaredBody === undefined) return send(request, response, problem(415, 'unexpectedBody', `${operation.name} takes no request body.`));

  const parameters = collectParameters(operation.parameters, pathParameters, rawUrl, queryStart, request);
  if (validators.parameters !== undefined && !validators.parameters(parameters)) {
    const errors = fieldErrors(toValidationIssues(validators.parameters.errors));
    return send(request, response, problem(400, 'invalidParameters', `${errors.length} parameter value(s) failed validation.`, errors));
  }

  let body: unknown;
  if (bytes.length === 0) {
    if (declaredBody?.required === true) return send(request, response, problem(400, 'missingBody', `${operation.name} needs a request body.`, [{ pointer: '#', detail: 'a request body is required' }]));
  } else if (contentType !== undefined && declaredBody !== undefined) {
    const media = findMediaType(declaredBody.content, contentType);
    const decoded = decodeRequestBody(contentType, bytes);
    if (!decoded.ok) return send(request, response, problem(400, 'malformedBody', decoded.detail, [{ pointer: '#', detail: decoded.detail }]));
    body = decoded.value;
    const validate = validators.body?.[media?.mediaType ?? ''];
    if (validate !== undefined && !validate(body)) {
      const errors = fieldErrors(toValidationIssues(validate.errors));
      return send(request, response, problem(400, 'invalidBody', `${errors.length} value(s) in the request body failed validation.`, errors));
    }
  }

  const context: HandlerContext = {
    operation: operation.name,
    raw: request,
    preferredMediaType: (...offered) => negotiate(accept, offered) as (typeof offered)[number] | undefined,
  };
  let answer: HandlerResponse;
  try {
    const handler = handlers[operation.name] as Handler;
    answer = await handler.call(handlers, { ...parameters, body, contentType }, context);
  } catch (error) {
    if (error instanceof HttpProblem) return send(request, response, problem(error.status, error.code, error.message, error.errors));
    settings.onError?.(error, operation.name);
    return send(request, response, problem(500, 'internalError', `${operation.name} failed.`));
  }
  const checked = settings.validateResponses ? checkAnswer(operation, validators.responses ?? {}, answer, accept) : undefined;
  if (checked !== undefined) {
    settings.onError?.(new JpkigenError('INVALID_RESPONSE', checked.detail ?? ''), operation.name);
    return send(request, response, checked);
  }
  writeAnswer(request, response, operation, answer, accept);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function successMediaTypes(operation: OperationDescriptor): string[] {
  const types = new Set<string>();
  for (const declared of operation.responses) {
    if (/^2/.test(declared.status)) for (const media of declared.content) types.add(media.mediaType);
  }
  return [...types];
}

/** What the operation answers besides success, a problem always among it. */
function errorMediaTypes(operation: OperationDescriptor): string[] {
  const types = new Set<string>([PROBLEM_MEDIA_TYPE]);
  for (const declared of operation.responses) {
    if (!/^2/.test(declared.status)) for (const media of declared.content) types.add(media.mediaType);
  }
  return [...types];
}

function collectParameters(
  descriptors: readonly ParameterDescriptor[],
  pathParameters: Readonly<Record<string, string>>,
  rawUrl: string,
  queryStart: number,
  request: IncomingMessage,
): { path: Record<string, unknown>; query: Record<string, unknown>; header: Record<string, unknown>; cookie: Record<string, unknown> } {
  const search = new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1));
  const cookies = parseCookies(headerText(request.headers['cookie']));
  const result = { path: {} as Record<string, unknown>, query: {} as Record<string, unknown>, header: {} as Record<string, unknown>, cookie: {} as Record<string, unknown> };
  for (const descriptor of descriptors) {
    let raw: string | readonly string[] | undefined;
    if (descriptor.in === 'path') raw = pathParameters[descriptor.name];
    else if (descriptor.in === 'query') raw = search.has(descriptor.name) ? search.getAll(descriptor.name) : undefined;
    else if (descriptor.in === 'header') raw = headerText(request.headers[descriptor.name.toLowerCase()]);
    else raw = cookies[descriptor.name];
    if (raw === undefined) continue;
    result[descriptor.in][descriptor.name] = coerceParameter(descriptor, raw);
  }
  return result;
}

function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    request.on('data', (chunk: Buffer) => {
      if (settled) return;
      length += chunk.length;
      if (length > limit) {
        settled = true;
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (!settled) resolve(new Uint8Array(Buffer.concat(chunks)));
      settled = true;
    });
    request.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
  });
}

type Decoded = { ok: true; value: unknown } | { ok: false; detail: string };

function decodeRequestBody(contentType: string, bytes: Uint8Array): Decoded {
  switch (encodingOf(contentType)) {
    case 'binary':
      return { ok: true, value: bytes };
    case 'text':
      return { ok: true, value: Buffer.from(bytes).toString('utf8') };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown };
      } catch (error) {
        return { ok: false, detail: `The body is not valid JSON: ${(error as Error).message.slice(0, 200)}` };
      }
  }
}

/** Development mode: an answer the document does not allow becomes a 500 naming what is wrong. */
function checkAnswer(operation: OperationDescriptor, validators: ResponseValidators, answer: HandlerResponse, accept: string | undefined): ProblemDetails | undefined {
  const declared = responseFor(operation, answer.status);
  if (declared === undefined) return problem(500, 'invalidResponse', `${operation.name} answered the undocumented status ${answer.status}.`);
  if (answer.body === undefined) return undefined;
  const mediaType = chooseMediaType(declared.content.map((media) => media.mediaType), answer, accept);
  const media = mediaType === undefined ? undefined : findMediaType(declared.content, mediaType);
  if (media === undefined) return problem(500, 'invalidResponse', `${operation.name} answered ${answer.status} with an undeclared media type ${mediaType ?? '(none)'}.`);
  const validate = validators[declared.status]?.[media.mediaType];
  if (validate === undefined || validate(answer.body)) return undefined;
  const errors: ProblemFieldError[] = fieldErrors(toValidationIssues(validate.errors));
  return problem(500, 'invalidResponse', `${operation.name}'s ${answer.status} answer breaks its schema.`, errors);
}

function chooseMediaType(declared: readonly string[], answer: HandlerResponse, accept: string | undefined): string | undefined {
  if (answer.contentType !== undefined) return essenceOf(answer.contentType);
  const concrete = declared.filter((mediaType) => !mediaType.includes('*'));
  return negotiate(accept, concrete) ?? concrete[0] ?? (declared.length > 0 ? 'application/octet-stream' : undefined);
}

function writeAnswer(request: IncomingMessage, response: ServerResponse, operation: OperationDescriptor, answer: HandlerResponse, accept: string | undefined): void {
  const declared = responseFor(operation, answer.status);
  const headers: Record<string, string> = { ...answer.headers };
  let payload: string | Uint8Array | undefined;
  if (answer.body !== undefined) {
    const mediaType = chooseMediaType(declared?.content.map((media) => media.mediaType) ?? [], answer, accept) ?? 'application/json';
    headers['content-type'] = answer.contentType ?? mediaType;
    const encoding = encodingOf(mediaType);
    if (encoding === 'binary') {
      if (!(answer.body instanceof Uint8Array)) return send(request, response, problem(500, 'invalidResponse', `${operation.name} answered ${mediaType} with a body that is not a Uint8Array.`));
      payload = answer.body;
    } else if (encoding === 'text') {
      payload = String(answer.body);
    } else {
      payload = JSON.stringify(answer.body);
    }
  }
  response.writeHead(answer.status, headers);
  response.end(request.method === 'HEAD' ? undefined : payload);
}

function send(request: IncomingMessage, response: ServerResponse, details: ProblemDetails, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  sendProblem(response, details, headers, request.method === 'HEAD');
}

/** Answers before the body was read: the rest of it is drained, and the connection closed so no bytes are mistaken for a next request. */
function reject(request: IncomingMessage, response: ServerResponse, details: ProblemDetails, headers: Record<string, string> = {}): void {
  request.resume();
  send(request, response, details, { ...headers, connection: 'close' });
}

function sendProblem(response: ServerResponse, details: ProblemDetails, headers: Record<string, string> = {}, headOnly = false): void {
  const payload = JSON.stringify(details);
  response.writeHead(details.status, { ...headers, 'content-type': PROBLEM_MEDIA_TYPE, 'content-length': String(Buffer.byteLength(payload)) });
  response.end(headOnly ? undefined : payload);
}
