import { childEnv } from '../../util/env.ts';
import { exec } from '../../util/exec.ts';
import { buildah } from './buildah.ts';
import type { Builder } from './builder.ts';
import { docker } from './docker.ts';

/** `auto`: docker when a daemon answers, else buildah (daemonless runners, rootless CI). */
export async function selectBuilder(choice: 'auto' | 'docker' | 'buildah'): Promise<Builder> {
  if (choice === 'docker') return docker;
  if (choice === 'buildah') return buildah;
  return (await dockerDaemonAnswers()) ? docker : buildah;
}

async function dockerDaemonAnswers(): Promise<boolean> {
  try {
    const { code } = await exec('docker', ['version', '--format', '{{.Server.Version}}'], {
      env: childEnv(process.env, docker.meantEnv),
      allowFailure: true,
    });
    return code === 0;
  } catch {
    return false;
  }
}
