/**
 * Pushing again after a transient registry failure. A push is idempotent (blobs already there are
 * skipped, the manifest goes last), so the whole push is the unit that is retried: the builders'
 * own retries cover dropped connections at best (buildah 1.28 retries no 5xx, docker none on the
 * manifest), not throttling or a registry that answers 503 for a moment.
 */
import type { Logger } from '../../log.ts';
import { ExecError } from '../../util/exec.ts';
import { retry } from '../../util/retry.ts';

/** A builder's report of a failure another attempt may not see: 5xx, throttling, cut connections. */
const TRANSIENT =
  /\b(500|502|503|504|429)\b|service unavailable|too many requests|bad gateway|gateway time-?out|internal server error|connection reset|broken pipe|unexpected EOF|\bEOF\b|i\/o timeout|TLS handshake timeout|connection refused|use of closed network connection|server misbehaving/i;

/** Refusals that stay refusals: retrying them only delays the error. */
const REFUSED =
  /\b(401|403)\b|unauthorized|authentication required|denied|forbidden|name unknown|manifest invalid|tag invalid/i;

/**
 * Whether a failed push is worth another go. `phase`: a line the failure must mention, for
 * commands that also build (buildx pushes while it builds: a failing RUN is not a push failure).
 */
export function isTransientPushFailure(output: string, phase?: RegExp): boolean {
  const lines = output.split('\n').filter((line) => /error|fail|unexpected|reset|refused|EOF/i.test(line));
  const relevant = phase ? lines.filter((line) => phase.test(line)) : lines;
  return relevant.some((line) => TRANSIENT.test(line)) && !relevant.some((line) => REFUSED.test(line));
}

export interface PushRetryOptions {
  /** Names the push in the warning, e.g. `buildah push registry/app:1`. */
  what: string;
  log: Logger;
  phase?: RegExp;
  /** Defaults: 4 attempts, 2-15 s full-jitter backoff, no attempt started after 10 minutes. */
  attempts?: number;
  baseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export function retryPush<T>(push: () => Promise<T>, options: PushRetryOptions): Promise<T> {
  const attempts = options.attempts ?? 4;
  return retry(push, {
    attempts,
    baseMs: options.baseMs ?? 2000,
    capMs: 15_000,
    budgetMs: 10 * 60_000,
    sleep: options.sleep,
    retryable: (error) =>
      error instanceof ExecError &&
      isTransientPushFailure(`${error.result.stderr}\n${error.result.stdout}`, options.phase),
    onRetry: (error, attempt, delay) =>
      options.log.warning(
        `${options.what}: attempt ${attempt}/${attempts} failed (${lastLine(error)}); pushing again in ${delay} ms`,
      ),
  });
}

function lastLine(error: unknown): string {
  const result = (error as ExecError).result;
  const text = (result.stderr || result.stdout).trim();
  return text.split('\n').pop()?.slice(0, 300) ?? '';
}
