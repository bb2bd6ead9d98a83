/**
 * Known tool failures and their hints. Every sample below is what the tool printed on this machine
 * (buildah 1.28, docker 28 without buildx, git 2.39) when made to fail that way.
 */
import { describe, expect, it } from 'vitest';
import { gitMessage } from '../../../src/core/git/git.ts';
import { ExecError } from '../../../src/core/util/exec.ts';
import { KNOWN_FAILURES, type Tool, toolHint } from '../../../src/core/util/tool-failures.ts';

const SAMPLES: { tool: Tool; failure: string; output: string; hint: RegExp }[] = [
  // buildah
  {
    tool: 'buildah',
    failure: 'registry credentials refused',
    output:
      'Error: creating build container: initializing source docker://127.0.0.1:5077/base/missing:1: reading manifest 1 in 127.0.0.1:5077/base/missing: unauthorized: authentication required',
    hint: /`registry-username` and `registry-password`/,
  },
  {
    tool: 'buildah',
    failure: 'registry credentials refused',
    output:
      'Copying blob sha256:65b273f7da06ee00442bc3ea6accc5825284dded7e133783c8a27259b8bbb669\nError: pushing image "127.0.0.1:5077/app:1" to "docker://127.0.0.1:5077/app:1": trying to reuse blob sha256:65b273f7da06ee00442bc3ea6accc5825284dded7e133783c8a27259b8bbb669 at destination: checking whether a blob sha256:65b273f7da06ee00442bc3ea6accc5825284dded7e133783c8a27259b8bbb669 exists in 127.0.0.1:5077/app: unauthorized: authentication required',
    hint: /`registry-password`/,
  },
  {
    tool: 'buildah',
    failure: 'registry credentials refused',
    output: 'Error: logging into "127.0.0.1:5077": invalid username/password',
    hint: /`registry-password`/,
  },
  {
    tool: 'buildah',
    failure: 'missing base image',
    output:
      'STEP 1/2: FROM 127.0.0.1:5077/base/missing:1\nTrying to pull 127.0.0.1:5077/base/missing:1...\nError: creating build container: initializing source docker://127.0.0.1:5077/base/missing:1: reading manifest 1 in 127.0.0.1:5077/base/missing: manifest unknown: manifest unknown',
    hint: /Dockerfile or in `build-args`/,
  },
  {
    tool: 'buildah',
    failure: 'plain-HTTP registry',
    output:
      'Error: pushing image "127.0.0.1:5077/app:1" to "docker://127.0.0.1:5077/app:1": trying to reuse blob sha256:65b273f7da06ee00442bc3ea6accc5825284dded7e133783c8a27259b8bbb669 at destination: pinging container registry 127.0.0.1:5077: Get "https://127.0.0.1:5077/v2/": http: server gave HTTP response to HTTPS client',
    hint: /plain HTTP/,
  },
  {
    tool: 'buildah',
    failure: 'storage driver',
    output:
      'Error: \'overlay\' is not supported over overlayfs, a mount_program is required: backing file system is unsupported for this graph driver\ntime="2026-12-02T12:46:21Z" level=warning msg="failed to shutdown storage: \\"\'overlay\' is not supported over overlayfs, a mount_program is required: backing file system is unsupported for this graph driver\\""',
    hint: /STORAGE_DRIVER=vfs/,
  },
  {
    tool: 'buildah',
    failure: 'storage driver',
    output:
      'Error: "/tmp/tf/bt/btrfs" is not on a btrfs filesystem: prerequisites for driver not satisfied (wrong filesystem?)',
    hint: /STORAGE_DRIVER=vfs/,
  },
  // docker (the classic builder: this docker has no buildx plugin)
  {
    tool: 'docker',
    failure: 'registry credentials refused',
    output:
      'Sending build context to Docker daemon  2.048kB\nStep 1/2 : FROM 127.0.0.1:5077/base/missing:1\nHead "http://127.0.0.1:5077/v2/base/missing/manifests/1": no basic auth credentials',
    hint: /`registry-username`/,
  },
  {
    tool: 'docker',
    failure: 'registry credentials refused',
    output: '164628571582: Preparing\nno basic auth credentials',
    hint: /`registry-username`/,
  },
  {
    tool: 'docker',
    failure: 'registry credentials refused',
    output:
      'Error response from daemon: login attempt to http://127.0.0.1:5077/v2/ failed with status: 401 Unauthorized',
    hint: /`registry-password`/,
  },
  {
    tool: 'docker',
    failure: 'missing base image',
    output:
      'Step 1/2 : FROM 127.0.0.1:5077/base/missing:1\nmanifest for 127.0.0.1:5077/base/missing:1 not found: manifest unknown: manifest unknown',
    hint: /FROM, COPY --from/,
  },
  {
    tool: 'docker',
    failure: 'registry host unknown',
    output:
      'Step 1/1 : FROM nonexistent-image-xyz-123:latest\nGet "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
    hint: /does not resolve/,
  },
  {
    tool: 'docker',
    failure: 'no docker daemon',
    output: 'Cannot connect to the Docker daemon at unix:///tmp/tf/none.sock. Is the docker daemon running?',
    hint: /`builder: buildah`/,
  },
  {
    tool: 'docker',
    failure: 'buildx missing',
    output:
      'ERROR: BuildKit is enabled but the buildx component is missing or broken.\n       Install the buildx component to build images with BuildKit:\n       https://docs.docker.com/go/buildx/',
    hint: /buildx plugin/,
  },
  // git
  {
    tool: 'git',
    failure: 'git credentials missing or refused',
    output: "fatal: could not read Username for 'http://127.0.0.1:5078': terminal prompts disabled",
    hint: /set `token`/,
  },
  {
    tool: 'git',
    failure: 'git credentials missing or refused',
    output: "fatal: Authentication failed for 'http://127.0.0.1:5078/acme/gitops.git/'",
    hint: /set `token`/,
  },
  {
    tool: 'git',
    failure: 'git access forbidden',
    output:
      "fatal: unable to access 'http://127.0.0.1:5078/forbidden/gitops.git/': The requested URL returned error: 403",
    hint: /contents: write/,
  },
  {
    tool: 'git',
    failure: 'git repository not found',
    output: "fatal: repository 'http://127.0.0.1:5078/missing/gitops.git/' not found",
    hint: /`repository`/,
  },
  {
    tool: 'git',
    failure: 'git repository not found',
    output:
      "fatal: '/tmp/tf/nope.git' does not appear to be a git repository\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.",
    hint: /`repository`/,
  },
  {
    tool: 'git',
    failure: 'git safe.directory',
    output:
      "fatal: detected dubious ownership in repository at '/tmp/tf/g/owned'\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory /tmp/tf/g/owned",
    hint: /safe\.directory/,
  },
  {
    tool: 'git',
    failure: 'shallow clone pushed',
    output:
      "To file:///tmp/tf/g/other.git\n ! [remote rejected] HEAD -> main (shallow update not allowed)\nerror: failed to push some refs to 'file:///tmp/tf/g/other.git'",
    hint: /fetch-depth: 0/,
  },
  {
    tool: 'git',
    failure: 'commit not in a shallow clone',
    output:
      "fatal: ambiguous argument 'HEAD~2': unknown revision or path not in the working tree.\nUse '--' to separate paths from revisions, like this:\n'git <command> [<revision>...] -- [<file>...]'",
    hint: /`initial-fetch-depth`/,
  },
  {
    tool: 'git',
    failure: 'commit not in a shallow clone',
    output: 'fatal: bad object 0123456789abcdef0123456789abcdef01234567',
    hint: /fetch more history/,
  },
  {
    tool: 'git',
    failure: 'commit not in a shallow clone',
    output: 'fatal: Not a valid commit name 0123456789abcdef0123456789abcdef01234567',
    hint: /fetch more history/,
  },
  {
    tool: 'git',
    failure: 'not a git checkout',
    output: 'fatal: not a git repository (or any of the parent directories): .git',
    hint: /`working-directory`/,
  },
];

/** Failures that must get no hint: the tool's own words are all there is to say. */
const UNKNOWN: { tool: string; output: string }[] = [
  { tool: 'git', output: 'fatal: Remote branch nope not found in upstream origin' },
  {
    tool: 'git',
    output:
      "fatal: unable to access 'http://127.0.0.1:5079/a.git/': Failed to connect to 127.0.0.1 port 5079 after 0 ms: Couldn't connect to server",
  },
  { tool: 'buildah', output: 'Error: building at STEP "RUN true": while running runtime: exit status 1' },
  // A pattern is the tool's: buildah's words from another program mean nothing.
  { tool: 'helm', output: 'unauthorized: authentication required' },
  { tool: 'git', output: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' },
];

describe('known tool failures', () => {
  it.each(SAMPLES)('$tool: $failure', ({ tool, failure, output, hint }) => {
    const matches = KNOWN_FAILURES.filter(
      (known) => known.tools.includes(tool) && known.pattern.test(output),
    );
    // Exactly one entry: the table has no order to get wrong.
    expect(matches.map((known) => known.name)).toEqual([failure]);
    expect(toolHint(tool, output)).toMatch(hint);
  });

  it.each(UNKNOWN)('$tool: no hint for $output', ({ tool, output }) => {
    expect(toolHint(tool, output)).toBeUndefined();
  });

  it('every entry has a sample of real output', () => {
    const sampled = new Set(SAMPLES.map((sample) => sample.failure));
    expect(KNOWN_FAILURES.map((known) => known.name).filter((name) => !sampled.has(name))).toEqual([]);
  });

  it('each hint is one line', () => {
    for (const known of KNOWN_FAILURES) expect(known.hint).not.toMatch(/\n/);
  });
});

describe('where the hints are reported', () => {
  it("a builder's failure ends with the hint, after the tool's own lines", () => {
    const error = new ExecError('buildah', {
      code: 125,
      stdout: '',
      stderr: 'Error: logging into "127.0.0.1:5077": invalid username/password\n',
    });
    expect(error.message).toBe(
      `buildah exited with code 125:\nError: logging into "127.0.0.1:5077": invalid username/password\nhint: ${toolHint('buildah', 'invalid username/password')}`,
    );
    expect(new ExecError('buildah', { code: 1, stdout: '', stderr: 'Error: exit status 1\n' }).message).toBe(
      'buildah exited with code 1:\nError: exit status 1',
    );
  });

  it("git's failure message carries the hint", () => {
    const stderr = "fatal: could not read Username for 'http://127.0.0.1:5078': terminal prompts disabled\n";
    expect(gitMessage({ code: 128, stdout: '', stderr })).toBe(
      `fatal: could not read Username for 'http://127.0.0.1:5078': terminal prompts disabled; hint: ${toolHint('git', stderr)}`,
    );
  });
});
