import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Environment that makes buildah run here without touching the machine's own storage: vfs
 * storage under `dir`, chroot isolation (crun cannot set up cgroups on this machine). buildah reads
 * these itself, so the product needs no test hook.
 */
export function buildahEnv(dir: string): Record<string, string> {
  const graphroot = join(dir, 'storage');
  const runroot = join(dir, 'run');
  mkdirSync(graphroot, { recursive: true });
  mkdirSync(runroot, { recursive: true });
  const conf = join(dir, 'storage.conf');
  writeFileSync(conf, `[storage]\ndriver = "vfs"\ngraphroot = "${graphroot}"\nrunroot = "${runroot}"\n`);
  return { CONTAINERS_STORAGE_CONF: conf, STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' };
}
