/**
 * What a program the core starts actually receives: its command line and output through `exec`,
 * its environment, and the file lists a shell reads back. These run real programs (echo, env,
 * sh), so they live beside the other end-to-end tests.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatFiles } from '../../src/core/paths/list-files.ts';
import { exec } from '../../src/core/util/exec.ts';
import { RecordingLogger } from '../harness/logger.ts';

describe('exec displayArgs', () => {
  it('logs the display form of the command line, runs the real one', async () => {
    const log = new RecordingLogger();
    await exec('echo', ['--build-arg', 'TOKEN=hunter2'], {
      logger: log,
      displayArgs: ['--build-arg', 'TOKEN=***'],
    });
    expect(log.messages('debug')).toEqual(['$ echo --build-arg TOKEN=***']);
    expect(log.messages('info')).toEqual(['--build-arg TOKEN=hunter2']);
  });
});

describe('childEnv through exec', () => {
  it('is what exec gives a program unless told otherwise', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { REGISTRY_HTTP_ADDR: 'nonsense', DOCKER_BUILDKIT: 'x', INPUT_TOKEN: 't' });
      const { stdout } = await exec('env', []);
      expect(stdout).not.toMatch(/^(REGISTRY_|DOCKER_|BUILDAH_|INPUT_)/m);
    } finally {
      process.env = saved;
    }
  });
});

describe('list-files formats read back by sh', () => {
  // What the formats are for: a shell reading the value gets the names back, one word each.
  const words = (value: string) =>
    execFileSync('sh', ['-c', `printf '%s\\0' ${value}`], { encoding: 'utf8' })
      .split('\0')
      .slice(0, -1);
  const hostile = [
    'src/app.ts',
    'with space.txt',
    'a,b.txt',
    'quote"d.txt',
    "it's.txt",
    "it's $HOME",
    'ünï.txt',
    '$(touch /tmp/never)',
    'a;b',
    'tab\there',
    '*',
    '~user',
    'x&y|z',
    "a'b'c",
  ];

  it('shell: sh reads back every name as one word, nothing expanded or run', () => {
    expect(words(formatFiles(hostile, 'shell')!)).toEqual(hostile);
    expect(words(formatFiles(['new\nline'], 'shell')!)).toEqual(['new\nline']);
  });

  it('escape: sh reads back every name as one word (a newline cannot be carried: use json)', () => {
    expect(words(formatFiles(hostile, 'escape')!)).toEqual(hostile);
  });
});
