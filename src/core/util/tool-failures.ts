/**
 * Failures of the programs we run that users meet again and again, each with one line saying what
 * to change: an input (written `` `name` `` so every face spells it its way), a variable or a flag.
 * The tool's own output is always shown too; the hint only comes after it. The patterns are matched
 * against text these tools print (see test/unit/util/tool-failures.test.ts for the samples).
 */
import { setting } from '../errors.ts';

export type Tool = 'buildah' | 'docker' | 'git';

interface KnownFailure {
  tools: readonly Tool[];
  /** What it is, for the tests' table. */
  name: string;
  pattern: RegExp;
  hint: string;
}

const BUILDERS: readonly Tool[] = ['buildah', 'docker'];

export const KNOWN_FAILURES: readonly KnownFailure[] = [
  {
    tools: BUILDERS,
    name: 'registry credentials refused',
    pattern:
      /unauthorized: authentication required|no basic auth credentials|invalid username\/password|login attempt to \S+ failed with status: 401/i,
    hint: `the registry refused the credentials: check ${setting('registry-username')} and ${setting('registry-password')} (or ${setting('role-to-assume')} for ECR); a base image or extra image on another registry needs a login to it beforehand`,
  },
  {
    tools: BUILDERS,
    name: 'missing base image',
    pattern: /reading manifest \S+ in \S+: manifest unknown|manifest for \S+ not found/i,
    hint: `an image the Dockerfile pulls (FROM, COPY --from) does not exist: check its name and tag in the Dockerfile or in ${setting('build-args')}`,
  },
  {
    tools: BUILDERS,
    name: 'registry host unknown',
    pattern: /dial tcp: lookup \S+( on \S+)?: no such host/i,
    hint: `a registry host name does not resolve: check it (Dockerfile FROM, ${setting('registry')}, ${setting('images')}), or the runner’s network and proxy variables (HTTPS_PROXY, NO_PROXY)`,
  },
  {
    tools: BUILDERS,
    name: 'plain-HTTP registry',
    pattern: /server gave HTTP response to HTTPS client/i,
    hint: 'the registry speaks plain HTTP, which only loopback registries (localhost, 127.0.0.1, ::1) are spoken to over: serve it with TLS (or, for docker, list it in the daemon’s insecure-registries)',
  },
  {
    tools: ['buildah'],
    name: 'storage driver',
    pattern:
      /is not supported over overlayfs|backing file system is unsupported for this graph driver|prerequisites for driver not satisfied/i,
    hint: 'buildah’s storage driver cannot work on this filesystem (usual inside a container): set STORAGE_DRIVER=vfs in the step’s environment, or configure fuse-overlayfs as mount_program in storage.conf',
  },
  {
    tools: ['docker'],
    name: 'no docker daemon',
    pattern: /Cannot connect to the Docker daemon at/i,
    hint: `no docker daemon answers: set ${setting('builder', 'buildah')}, or point DOCKER_HOST at a running daemon`,
  },
  {
    tools: ['docker'],
    name: 'buildx missing',
    pattern: /buildx component is missing/i,
    hint: `install the docker buildx plugin, or set ${setting('builder', 'buildah')}`,
  },
  {
    tools: ['git'],
    name: 'git credentials missing or refused',
    pattern: /could not read Username for|Authentication failed for|The requested URL returned error: 401/i,
    hint: `the Git server wants credentials it did not get or refused: set ${setting('token')} to a token that may read (and, to push, write) the repository`,
  },
  {
    tools: ['git'],
    name: 'git access forbidden',
    pattern: /The requested URL returned error: 403/i,
    hint: `the token may not do this: give it access to the repository (contents: write to push), or set ${setting('token')} to one that has it`,
  },
  {
    tools: ['git'],
    name: 'git repository not found',
    pattern: /repository '\S+' not found|does not appear to be a git repository/i,
    hint: `check the repository address (${setting('repository')}); a private repository also reads as not found without ${setting('token')}`,
  },
  {
    tools: ['git'],
    name: 'git safe.directory',
    pattern: /detected dubious ownership in repository/i,
    hint: 'the checkout belongs to another user than the job: run `git config --global --add safe.directory <folder>` before this step, or run the job as the checkout’s owner',
  },
  {
    tools: ['git'],
    name: 'shallow clone pushed',
    pattern: /shallow update not allowed/i,
    hint: 'the clone is shallow and the server takes no pushes from it: fetch the whole history (actions/checkout fetch-depth: 0; on GitLab, a Git shallow clone depth of 0 in the CI/CD settings)',
  },
  {
    tools: ['git'],
    name: 'commit not in a shallow clone',
    pattern: /fatal: bad object|unknown revision or path not in the working tree|Not a valid commit name/i,
    hint: `a commit git needs is not in the checkout: if it is shallow, fetch more history (actions/checkout fetch-depth: 0; on GitLab, a Git shallow clone depth of 0; or a larger ${setting('initial-fetch-depth')}); otherwise check the commit named`,
  },
  {
    tools: ['git'],
    name: 'not a git checkout',
    pattern: /not a git repository \(or any of the parent directories\)/i,
    hint: `the folder is not a Git checkout: check out the repository first (actions/checkout), or point ${setting('working-directory')} at it`,
  },
];

/** The hint for a tool's failure output, or undefined when it is not a known failure. */
export function toolHint(tool: string, output: string): string | undefined {
  return KNOWN_FAILURES.find((known) => known.tools.includes(tool as Tool) && known.pattern.test(output))
    ?.hint;
}
