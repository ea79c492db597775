/** When to try again after 429 or 503: Retry-After (RFC 9110 §10.2.3) when given, else exponential backoff. */

export interface RetryPolicy {
  /** Further attempts after the first; 0 turns retrying off. */
  readonly maxRetries: number;
  /** First backoff delay; doubles with every attempt, with up to 50 % random jitter added. */
  readonly baseDelayMs: number;
  /** A longer wait (Retry-After included) is not waited for: the error goes to the caller. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 200, maxDelayMs: 30_000 };

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Retry-After as milliseconds: delay-seconds or an HTTP-date; undefined when absent or malformed. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** How long to wait before retry number `attempt` (1-based), or undefined not to retry. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter: string | null, random: () => number = Math.random): number | undefined {
  if (attempt > policy.maxRetries) return undefined;
  const advised = parseRetryAfter(retryAfter);
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  const delay = advised ?? backoff + backoff * 0.5 * random();
  return delay > policy.maxDelayMs ? undefined : delay;
}

/** Waits, unless the signal aborts first. */
export function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
