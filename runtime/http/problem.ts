/**
 * RFC 9457 problem details: the body of every error a generated server answers, and what a
 * generated client turns an `application/problem+json` answer into.
 */
import type { ValidationIssue } from '../errors.js';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** One failing request value: RFC 9457 §3's example extension member `errors`. */
export interface ProblemFieldError {
  /** JSON pointer (RFC 6901) in URI-fragment form: `#/nonce`, or `#/query/limit` for a parameter. */
  readonly pointer: string;
  readonly detail: string;
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  /** Stable machine-readable code (jpkigen extension member). */
  readonly code?: string;
  readonly errors?: readonly ProblemFieldError[];
  readonly [extension: string]: unknown;
}

/** Whether a parsed body has the members RFC 9457 §3.1 defines with the right types. */
export function isProblemDetails(value: unknown): value is ProblemDetails {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (
    (record['type'] === undefined || typeof record['type'] === 'string') &&
    (record['title'] === undefined || typeof record['title'] === 'string') &&
    (record['status'] === undefined || typeof record['status'] === 'number') &&
    (record['detail'] === undefined || typeof record['detail'] === 'string')
  );
}

/** RFC 6901 pointer (`/a/b`) → URI-fragment form (`#/a/b`) with percent-encoding (RFC 6901 §6). */
export function fragmentPointer(pointer: string): string {
  return `#${pointer.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (character) => encodeURIComponent(character))}`;
}

/** Validation issues → the `errors` member, each pointer in fragment form under an optional prefix. */
export function fieldErrors(issues: readonly ValidationIssue[], prefix = ''): ProblemFieldError[] {
  return issues.slice(0, 100).map((issue) => ({ pointer: fragmentPointer(`${prefix}${issue.pointer}`), detail: issue.message.slice(0, 500) }));
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/** A problem with `about:blank` semantics (RFC 9457 §4.2.1): the title is the status phrase. */
export function problem(status: number, code: string, detail: string, errors?: readonly ProblemFieldError[]): ProblemDetails {
  return {
    type: 'about:blank',
    title: statusTitle(status),
    status,
    detail: detail.slice(0, 2000),
    code,
    ...(errors === undefined || errors.length === 0 ? {} : { errors }),
  };
}
