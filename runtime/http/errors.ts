import { JpkigenError } from '../errors.js';
import type { ProblemDetails } from './problem.js';

/** What a client received for a non-2xx status: the status, the media type and the decoded body. */
export interface ErrorResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

/**
 * The server answered with an error status. `response` is typed per operation by the generated
 * client (`HttpResponseError<GetCrlErrorResponse>`); `problem` holds a parsed RFC 9457 body.
 */
export class HttpResponseError<Response extends ErrorResponse = ErrorResponse> extends JpkigenError {
  readonly operation: string;
  readonly status: number;
  readonly response: Response;
  readonly problem: ProblemDetails | undefined;
  readonly headers: Headers;

  constructor(operation: string, response: Response, problem: ProblemDetails | undefined, headers: Headers) {
    const summary = problem === undefined ? '' : `: ${problem.title}${problem.detail === undefined ? '' : ` — ${problem.detail}`}`;
    super(problem?.code === undefined ? 'HTTP_ERROR_STATUS' : `HTTP_${problem.code}`, `${operation} answered ${response.status}${summary}`);
    this.operation = operation;
    this.status = response.status;
    this.response = response;
    this.problem = problem;
    this.headers = headers;
  }
}

export function isHttpResponseError(error: unknown): error is HttpResponseError {
  return error instanceof HttpResponseError;
}

/** The call did not finish within its timeout. */
export class HttpTimeoutError extends JpkigenError {
  readonly operation: string;
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number, options?: ErrorOptions) {
    super('HTTP_TIMEOUT', `${operation} did not answer within ${timeoutMs} ms`, options);
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/** The answer does not match the document: an undeclared media type, a body that fails its schema, bad JSON. */
export class HttpUnexpectedResponseError extends JpkigenError {
  readonly operation: string;
  readonly status: number;

  constructor(operation: string, status: number, what: string, options?: ErrorOptions) {
    super('HTTP_UNEXPECTED_RESPONSE', `${operation} answered ${status} with ${what}`, options);
    this.operation = operation;
    this.status = status;
  }
}

/** The caller's input cannot be put on the wire (a missing path parameter, a body of the wrong shape for its media type). */
export class HttpRequestError extends JpkigenError {
  constructor(operation: string, what: string) {
    super('HTTP_INVALID_REQUEST', `${operation}: ${what}`);
  }
}
