import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../../src/core/errors.ts';

export interface WorkspacePath {
  /** Real absolute path (symbolic links resolved). */
  path: string;
  /** Relative to the workspace, with `/`; `.` for the workspace itself. */
  display: string;
}

/**
 * Resolves an input's path inside the workspace. It must exist, and both the path as written and
 * its real path (a symbolic link may point out) must stay inside; `..foo` is a name, not a parent.
 */
export function workspacePath(workspace: string, value: string, input: string): WorkspacePath {
  const given = resolve(workspace);
  const root = realpathSync(given);
  const path = resolve(root, value);
  // An absolute input may name the workspace through its link (e.g. /tmp vs /private/tmp).
  if (outside(root, path) && outside(given, path))
    throw new InputError(input, `${value} is outside the workspace ${workspace}`);
  if (!existsSync(path)) throw new InputError(input, `${value} does not exist in the workspace ${workspace}`);
  const real = realpathSync(path);
  if (outside(root, real))
    throw new InputError(input, `${value} leads outside the workspace ${workspace} (symbolic link)`);
  return { path: real, display: relative(root, real).split(sep).join('/') || '.' };
}

function outside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}
