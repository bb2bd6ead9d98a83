/**
 * A dry run works offline: what needs the registry (credentials, whether a tag exists) is checked
 * when it can be, and otherwise reported as not checked instead of failing the run. Outside a dry
 * run nothing changes: the error stands. Bad input and real findings (a different chart under the
 * same version) fail a dry run too.
 */
import { InputError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/core/log.ts';
import { RegistryError } from '../../src/core/registry/client.ts';
import { registryHost } from '../../src/core/registry/hosts.ts';
import type { RegistryTarget } from '../../src/core/registry/target.ts';
import { isTransientNetworkError } from '../../src/core/util/retry.ts';

export class DryRunChecks {
  /** What could not be checked, in the words of the warning. */
  readonly unchecked: string[] = [];

  constructor(
    readonly dryRun: boolean,
    private readonly log: Logger,
  ) {}

  /** Registry credentials: in a dry run, any failure but bad input leaves them unchecked. */
  credentials<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    return this.attempt(what, step, (error) => !(error instanceof InputError));
  }

  /** A registry read: in a dry run, an unreachable registry or refused credentials leave it unchecked. */
  registry<T>(what: string, step: () => Promise<T>): Promise<T | undefined> {
    return this.attempt(what, step, unreachable);
  }

  /** A check not even tried, because one it depends on could not be done. */
  skipped(what: string): void {
    if (this.unchecked.length > 0) this.unchecked.push(what);
  }

  /** One line for the end of the run: what the dry run did not check. */
  report(): void {
    if (this.unchecked.length > 0) this.log.warning(`dry-run: not checked: ${this.unchecked.join('; ')}`);
  }

  private async attempt<T>(
    what: string,
    step: () => Promise<T>,
    skippable: (error: unknown) => boolean,
  ): Promise<T | undefined> {
    if (!this.dryRun) return step();
    try {
      return await step();
    } catch (error) {
      if (!skippable(error)) throw error;
      this.log.warning(`dry-run: could not check ${what}: ${error instanceof Error ? error.message : error}`);
      this.unchecked.push(what);
      return undefined;
    }
  }
}

/** Where a dry run without registry credentials says it would push: the named registry, else ECR's form. */
export function uncheckedTarget(registry: string, region: string): RegistryTarget {
  const host = registryHost(registry) || `<aws-account>.dkr.ecr.${region || '<aws-region>'}.amazonaws.com`;
  return { host, username: '', password: '' };
}

/** The registry could not be reached, or refused us: nothing about the content. */
function unreachable(error: unknown): boolean {
  if (error instanceof RegistryError) return error.status === 401 || error.status === 403;
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (isTransientNetworkError(e)) return true;
  return false;
}
