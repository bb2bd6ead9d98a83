export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts: number;
  /** Delay base in ms; attempt n waits random(0, min(cap, base * 2^n)) ("full jitter"). */
  baseMs: number;
  capMs: number;
  /** Only errors for which this returns true are retried. */
  retryable: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function backoffDelay(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/** Runs `fn` until it succeeds, a non-retryable error occurs, or the attempts are used up. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.retryable(error)) throw error;
      const delay = backoffDelay(attempt, options.baseMs, options.capMs);
      options.onRetry?.(error, attempt, delay);
      await wait(delay);
    }
  }
}

const transientNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/** True for errors that a later attempt may not see: resets, time-outs, DNS hiccups. */
export function isTransientNetworkError(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && transientNetworkCodes.has(code)) return true;
    if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') return true;
  }
  return error instanceof TypeError && error.message === 'fetch failed';
}

/** HTTP statuses worth another attempt: throttling and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501);
}
