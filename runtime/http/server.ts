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
import { responseFor, type OperationDescriptor, type ResponseDescriptor } from './operation.js';
import { coerceParameter, parseCookies } from './parameters.js';
import { fieldErrors, problem, PROBLEM_MEDIA_TYPE, type ProblemDetails, type ProblemFieldError } from './problem.js';
import { createRouter, type Router } from './router.js';

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
  const settings: Settings = {
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    validateResponses: options.validateResponses ?? process.env['NODE_ENV'] !== 'production',
    basePath: (options.basePath ?? '').replace(/\/+$/, ''),
    onError: options.onError,
    authorize: options.authorize,
  };
  // Everything about an operation that does not depend on the request is worked out once here, not per request.
  const plans = new Map<OperationDescriptor, OperationPlan>(api.operations.map((operation) => [operation, planOperation(operation, api.validators[operation.name] ?? {}, handlers)]));
  const fail = (request: IncomingMessage, response: ServerResponse, error: unknown): void => {
    settings.onError?.(error, '(router)');
    if (!response.headersSent) send(request, response, problem(500, 'internalError', 'The server failed to answer.'));
    else response.destroy();
  };
  return (request, response) => {
    try {
      route(plans, router, settings, request, response, fail);
    } catch (error) {
      fail(request, response, error);
    }
  };
}

type Settings = { bodyLimit: number; validateResponses: boolean; basePath: string; onError: ServerOptions['onError']; authorize: ServerOptions['authorize'] };
type Fail = (request: IncomingMessage, response: ServerResponse, error: unknown) => void;
type Parameters = { path: Record<string, unknown>; query: Record<string, unknown>; header: Record<string, unknown>; cookie: Record<string, unknown> };

interface OperationPlan {
  readonly operation: OperationDescriptor;
  readonly handler: Handler;
  readonly handlers: Readonly<Record<string, Handler>>;
  readonly validators: OperationValidators;
  readonly security: readonly string[];
  readonly successTypes: readonly string[];
  /** Success types then error types: what a client's Accept must take one of. */
  readonly answerTypes: readonly string[];
  readonly acceptedBodyTypes: string;
  readonly usesQuery: boolean;
  readonly usesCookies: boolean;
  /** Accept header → whether it takes one of answerTypes; clients send the same few headers again and again. */
  readonly acceptable: Map<string, boolean>;
  /** Answer status → its declared response and media types. */
  readonly answers: Map<number, AnswerPlan>;
}

interface AnswerPlan {
  readonly declared: ResponseDescriptor | undefined;
  readonly mediaTypes: readonly string[];
  /** The declared media types without wildcards, for negotiation. */
  readonly concrete: readonly string[];
}

/** How many distinct Accept headers an operation remembers before it starts over (a client cycling through random ones must not grow memory). */
const ACCEPT_CACHE_LIMIT = 64;

function planOperation(operation: OperationDescriptor, validators: OperationValidators, handlers: Readonly<Record<string, Handler>>): OperationPlan {
  const successTypes = successMediaTypes(operation);
  return {
    operation,
    handler: handlers[operation.name] as Handler,
    handlers,
    validators,
    security: operation.security ?? [],
    successTypes,
    answerTypes: [...successTypes, ...errorMediaTypes(operation)],
    acceptedBodyTypes: (operation.requestBody?.content ?? []).map((media) => media.mediaType).join(', '),
    usesQuery: operation.parameters.some((parameter) => parameter.in === 'query'),
    usesCookies: operation.parameters.some((parameter) => parameter.in === 'cookie'),
    acceptable: new Map(),
    answers: new Map(),
  };
}

function isAcceptable(plan: OperationPlan, accept: string): boolean {
  let acceptable = plan.acceptable.get(accept);
  if (acceptable === undefined) {
    acceptable = negotiate(accept, plan.answerTypes) !== undefined;
    if (plan.acceptable.size >= ACCEPT_CACHE_LIMIT) plan.acceptable.clear();
    plan.acceptable.set(accept, acceptable);
  }
  return acceptable;
}

function answerPlan(plan: OperationPlan, status: number): AnswerPlan {
  let answer = plan.answers.get(status);
  if (answer === undefined) {
    const declared = responseFor(plan.operation, status);
    const mediaTypes = declared?.content.map((media) => media.mediaType) ?? [];
    answer = { declared, mediaTypes, concrete: mediaTypes.filter((mediaType) => !mediaType.includes('*')) };
    // Statuses come from handlers, not clients, yet a handler echoing arbitrary numbers must not grow memory either.
    if (plan.answers.size >= ACCEPT_CACHE_LIMIT) plan.answers.clear();
    plan.answers.set(status, answer);
  }
  return answer;
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Synchronous until something really waits (an asynchronous authorize, the body, an asynchronous
 * handler): a promise per request step costs more than the rest of the routing.
 */
function route(plans: ReadonlyMap<OperationDescriptor, OperationPlan>, router: Router, settings: Settings, request: IncomingMessage, response: ServerResponse, fail: Fail): void {
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
  const plan = plans.get(match.operation) as OperationPlan;
  const { security, operation } = plan;
  if (settings.authorize !== undefined && security.length > 0) {
    const allowed = settings.authorize(request, { name: operation.name, security });
    const proceed = (granted: boolean): void => {
      if (!granted) return reject(request, response, problem(401, 'unauthorized', `${operation.name} needs one of: ${security.join(', ')}.`));
      checkRequest(plan, match.pathParameters, settings, rawUrl, queryStart, request, response, fail);
    };
    if (isThenable(allowed)) {
      allowed.then(
        (granted) => {
          try {
            proceed(granted);
          } catch (error) {
            fail(request, response, error);
          }
        },
        (error: unknown) => fail(request, response, error),
      );
      return;
    }
    return proceed(allowed);
  }
  checkRequest(plan, match.pathParameters, settings, rawUrl, queryStart, request, response, fail);
}

function checkRequest(
  plan: OperationPlan,
  pathParameters: Readonly<Record<string, string>>,
  settings: Settings,
  rawUrl: string,
  queryStart: number,
  request: IncomingMessage,
  response: ServerResponse,
  fail: Fail,
): void {
  const { operation } = plan;
  const contentType = essenceOf(request.headers['content-type']);
  const declaredBody = operation.requestBody;
  const contentLength = request.headers['content-length'];
  const chunked = request.headers['transfer-encoding'] !== undefined;
  const announcesBody = (contentLength !== undefined && contentLength !== '0') || chunked;
  if (announcesBody && declaredBody === undefined) {
    return reject(request, response, problem(415, 'unexpectedBody', `${operation.name} takes no request body.`));
  }
  if (announcesBody && declaredBody !== undefined && (contentType === undefined || findMediaType(declaredBody.content, contentType) === undefined)) {
    return reject(request, response, problem(415, 'unsupportedMediaType', `Content-Type ${contentType ?? '(none)'} is not accepted; send ${plan.acceptedBodyTypes}.`), { 'accept-post': plan.acceptedBodyTypes });
  }
  const announcedLength = contentLength === undefined ? undefined : Number(contentLength);
  if (announcedLength !== undefined && announcedLength > settings.bodyLimit) {
    return reject(request, response, problem(413, 'bodyTooLarge', `The body exceeds ${settings.bodyLimit} bytes.`));
  }

  const accept = headerText(request.headers['accept']);
  if (accept !== undefined && plan.successTypes.length > 0 && !isAcceptable(plan, accept)) {
    return reject(request, response, problem(406, 'notAcceptable', `None of ${plan.successTypes.join(', ')} is acceptable to the client.`));
  }

  const proceed = (bytes: Uint8Array | 'too-large'): void => {
    if (bytes === 'too-large') return reject(request, response, problem(413, 'bodyTooLarge', `The body exceeds ${settings.bodyLimit} bytes.`));
    if (bytes.length > 0 && declaredBody === undefined) return send(request, response, problem(415, 'unexpectedBody', `${operation.name} takes no request body.`));
    answerRequest(plan, pathParameters, settings, rawUrl, queryStart, contentType, accept, bytes, request, response, fail);
  };
  // RFC 9112 §6.3: a request with neither Content-Length nor Transfer-Encoding has no body, so there is nothing to wait for.
  if (!announcesBody) return proceed(EMPTY_BODY);
  readBody(request, settings.bodyLimit, chunked || announcedLength === undefined || !Number.isSafeInteger(announcedLength) ? undefined : announcedLength, (error, bytes) => {
    if (error !== undefined) return fail(request, response, error);
    try {
      proceed(bytes as Uint8Array | 'too-large');
    } catch (caught) {
      fail(request, response, caught);
    }
  });
}

const EMPTY_BODY = new Uint8Array(0);

function answerRequest(
  plan: OperationPlan,
  pathParameters: Readonly<Record<string, string>>,
  settings: Settings,
  rawUrl: string,
  queryStart: number,
  contentType: string | undefined,
  accept: string | undefined,
  bytes: Uint8Array,
  request: IncomingMessage,
  response: ServerResponse,
  fail: Fail,
): void {
  const { operation, validators } = plan;
  const declaredBody = operation.requestBody;
  const parameters = collectParameters(plan, pathParameters, rawUrl, queryStart, request);
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

  // A closure, not a method: handlers may take preferredMediaType out of the context.
  const context: HandlerContext = {
    operation: operation.name,
    raw: request,
    preferredMediaType: (...offered) => negotiate(accept, offered) as (typeof offered)[number] | undefined,
  };
  const failed = (error: unknown): void => {
    if (error instanceof HttpProblem) return send(request, response, problem(error.status, error.code, error.message, error.errors));
    settings.onError?.(error, operation.name);
    send(request, response, problem(500, 'internalError', `${operation.name} failed.`));
  };
  const answered = (answer: HandlerResponse): void => {
    const checked = settings.validateResponses ? checkAnswer(plan, answer, accept) : undefined;
    if (checked !== undefined) {
      settings.onError?.(new JpkigenError('INVALID_RESPONSE', checked.detail ?? ''), operation.name);
      return send(request, response, checked);
    }
    writeAnswer(request, response, plan, answer, accept);
  };
  let answer: HandlerResponse | Promise<HandlerResponse>;
  try {
    answer = plan.handler.call(plan.handlers, { path: parameters.path, query: parameters.query, header: parameters.header, cookie: parameters.cookie, body, contentType }, context);
  } catch (error) {
    return failed(error);
  }
  if (isThenable(answer)) {
    answer.then(
      (value) => {
        try {
          answered(value);
        } catch (error) {
          fail(request, response, error);
        }
      },
      (error: unknown) => {
        try {
          failed(error);
        } catch (caught) {
          fail(request, response, caught);
        }
      },
    );
    return;
  }
  answered(answer);
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

function collectParameters(plan: OperationPlan, pathParameters: Readonly<Record<string, string>>, rawUrl: string, queryStart: number, request: IncomingMessage): Parameters {
  const result: Parameters = { path: {}, query: {}, header: {}, cookie: {} };
  const descriptors = plan.operation.parameters;
  if (descriptors.length === 0) return result;
  const search = plan.usesQuery ? new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1)) : undefined;
  const cookies = plan.usesCookies ? parseCookies(headerText(request.headers['cookie'])) : undefined;
  for (const descriptor of descriptors) {
    let raw: string | readonly string[] | undefined;
    if (descriptor.in === 'path') raw = pathParameters[descriptor.name];
    else if (descriptor.in === 'query') raw = search?.has(descriptor.name) === true ? search.getAll(descriptor.name) : undefined;
    else if (descriptor.in === 'header') raw = headerText(request.headers[descriptor.name.toLowerCase()]);
    else raw = cookies?.[descriptor.name];
    if (raw === undefined) continue;
    result[descriptor.in][descriptor.name] = coerceParameter(descriptor, raw);
  }
  return result;
}

/**
 * Reads the whole body, stopping at `limit` bytes whether or not a Content-Length announced it
 * (chunked bodies are counted as they stream). With a known length the bytes go straight into one
 * buffer of that size; one chunk, the usual case for small bodies, is used as it came.
 */
function readBody(request: IncomingMessage, limit: number, announcedLength: number | undefined, done: (error: unknown, bytes?: Uint8Array | 'too-large') => void): void {
  let single: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let buffer: Buffer | undefined;
  let length = 0;
  let settled = false;
  const onData = (chunk: Buffer): void => {
    if (settled) return;
    const next = length + chunk.length;
    if (next > limit) {
      settled = true;
      single = undefined;
      chunks = undefined;
      buffer = undefined;
      done(undefined, 'too-large');
      return;
    }
    if (single === undefined && buffer === undefined && chunks === undefined) single = chunk;
    else if (chunks === undefined && announcedLength !== undefined && next <= announcedLength) {
      if (buffer === undefined) {
        buffer = Buffer.allocUnsafe(announcedLength);
        if (single !== undefined) single.copy(buffer, 0);
        single = undefined;
      }
      chunk.copy(buffer, length);
    } else {
      // No length announced, or more bytes than it said: collect the chunks.
      if (chunks === undefined) {
        chunks = [];
        if (buffer !== undefined) chunks.push(buffer.subarray(0, length));
        else if (single !== undefined) chunks.push(single);
        buffer = undefined;
        single = undefined;
      }
      chunks.push(chunk);
    }
    length = next;
  };
  request.on('data', onData);
  request.once('end', () => {
    if (settled) return;
    settled = true;
    let bytes: Buffer;
    if (chunks !== undefined) bytes = Buffer.concat(chunks, length);
    else if (buffer !== undefined) bytes = buffer.subarray(0, length);
    else bytes = single ?? Buffer.alloc(0);
    // A plain Uint8Array view (no copy): handlers of binary bodies get the type the document promises.
    done(undefined, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
  });
  request.once('error', (error) => {
    if (settled) return;
    settled = true;
    done(error);
  });
}

type Decoded = { ok: true; value: unknown } | { ok: false; detail: string };

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeRequestBody(contentType: string, bytes: Uint8Array): Decoded {
  switch (encodingOf(contentType)) {
    case 'binary':
      return { ok: true, value: bytes };
    case 'text':
      return { ok: true, value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8') };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(STRICT_UTF8.decode(bytes)) as unknown };
      } catch (error) {
        return { ok: false, detail: `The body is not valid JSON: ${(error as Error).message.slice(0, 200)}` };
      }
  }
}

/** Development mode: an answer the document does not allow becomes a 500 naming what is wrong. */
function checkAnswer(plan: OperationPlan, answer: HandlerResponse, accept: string | undefined): ProblemDetails | undefined {
  const { operation } = plan;
  const { declared, mediaTypes, concrete } = answerPlan(plan, answer.status);
  if (declared === undefined) return problem(500, 'invalidResponse', `${operation.name} answered the undocumented status ${answer.status}.`);
  if (answer.body === undefined) return undefined;
  const mediaType = chooseMediaType(mediaTypes, concrete, answer, accept);
  const media = mediaType === undefined ? undefined : findMediaType(declared.content, mediaType);
  if (media === undefined) return problem(500, 'invalidResponse', `${operation.name} answered ${answer.status} with an undeclared media type ${mediaType ?? '(none)'}.`);
  const validate = plan.validators.responses?.[declared.status]?.[media.mediaType];
  if (validate === undefined || validate(answer.body)) return undefined;
  const errors: ProblemFieldError[] = fieldErrors(toValidationIssues(validate.errors));
  return problem(500, 'invalidResponse', `${operation.name}'s ${answer.status} answer breaks its schema.`, errors);
}

function chooseMediaType(declared: readonly string[], concrete: readonly string[], answer: HandlerResponse, accept: string | undefined): string | undefined {
  if (answer.contentType !== undefined) return essenceOf(answer.contentType);
  return negotiate(accept, concrete) ?? concrete[0] ?? (declared.length > 0 ? 'application/octet-stream' : undefined);
}

/**
 * Head and body leave in one write with a Content-Length (the byte length, not the string's):
 * without it Node sends the answer chunked, in three writes.
 */
function writeAnswer(request: IncomingMessage, response: ServerResponse, plan: OperationPlan, answer: HandlerResponse, accept: string | undefined): void {
  const headers: Record<string, string | number> = answer.headers === undefined ? {} : { ...answer.headers };
  let payload: string | Uint8Array | undefined;
  if (answer.body !== undefined) {
    const { mediaTypes, concrete } = answerPlan(plan, answer.status);
    const mediaType = chooseMediaType(mediaTypes, concrete, answer, accept) ?? 'application/json';
    headers['content-type'] = answer.contentType ?? mediaType;
    const encoding = encodingOf(mediaType);
    if (encoding === 'binary') {
      if (!(answer.body instanceof Uint8Array)) return send(request, response, problem(500, 'invalidResponse', `${plan.operation.name} answered ${mediaType} with a body that is not a Uint8Array.`));
      payload = answer.body;
    } else if (encoding === 'text') {
      payload = String(answer.body);
    } else {
      payload = JSON.stringify(answer.body);
    }
  }
  // RFC 9110 §8.6: no Content-Length on 1xx and 204 answers; Node sends no body on 204 and 304 anyway.
  if (answer.status >= 200 && answer.status !== 204 && answer.status !== 304 && !hasHeader(headers, 'content-length')) {
    headers['content-length'] = payload === undefined ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  }
  response.writeHead(answer.status, headers);
  response.end(request.method === 'HEAD' ? undefined : payload);
}

function hasHeader(headers: Readonly<Record<string, unknown>>, lowerCaseName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerCaseName) return true;
  return false;
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
