export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** Delay base in ms; attempt n waits random(0, min(cap, base * 2^n)) ("full jitter"). */
  baseMs: number;
  capMs: number;
  /**
   * Time budget in ms for the whole loop, waits included: no attempt starts after it, so a dead
   * endpoint costs a bounded time whatever the attempt count. Default: no budget.
   */
  budgetMs?: number;
  /** Only errors for which this returns true are retried. */
  retryable: (error: unknown) => boolean;
  /**
   * The wait the server asked for (Retry-After), in ms, or undefined. It replaces the backoff
   * delay when longer, and is capped by the budget: a server cannot park the run indefinitely.
   */
  retryAfterMs?: (error: unknown) => number | undefined;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs, the attempts are used up, or the next
 * wait would end past the time budget.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;
  const deadline = options.budgetMs === undefined ? Number.POSITIVE_INFINITY : now() + options.budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      const asked = options.retryAfterMs?.(error);
      const delay = Math.max(backoffDelay(attempt, options.baseMs, options.capMs), asked ?? 0);
      if (now() + delay >= deadline) throw error;
      options.onRetry?.(error, attempt, delay);
      await wait(delay);
    }
  }
}

/** A Retry-After header (seconds or an HTTP date) in ms from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const transientNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** True for errors that a later attempt may not see: resets, time-outs, DNS hiccups, cut bodies. */
export function isTransientNetworkError(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && transientNetworkCodes.has(code)) return true;
    if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') return true;
  }
  return false;
}

/** HTTP statuses worth another attempt: throttling and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501);
}
