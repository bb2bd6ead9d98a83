/**
 * The guard judges a bump step it finds in a CI file by the action's own defaults: the files a
 * step without `files` may write, and whether its default commit starts a pipeline.
 */
import { describe, expect, it } from 'vitest';
import { definition } from '../../../actions/bump-gitops-tag/definition.ts';
import { fileMatcher } from '../../../src/core/gitops/files.ts';
import { bumpWriter } from '../../../src/core/loop-guard/bump-writer.ts';
import type { CiPlatform, Writer } from '../../../src/core/loop-guard/model.ts';
import { parseInputs } from '../../../src/inputs.ts';

const PATHS = ['deploy/a.yaml', 'deploy/x/y/b.yaml', 'deploy/c.yml', 'charts/app/values.yaml', 'a.yaml'];
const REQUIRED: Record<string, string> = { image: 'reg.io/app', tag: '1.0.0' };

function writerOf(platform: CiPlatform): Writer {
  const result = bumpWriter({ platform, where: { file: 'ci.yml' } }, []);
  if (!('writes' in result)) throw new Error(result.message);
  return result;
}

describe('a bump step with no inputs, as the guard reads it', () => {
  const inputs = parseInputs(
    definition,
    (name) => REQUIRED[name],
    () => {},
  );

  it.each(PATHS)('writes %s exactly when the action would select it', async (path) => {
    const selects = await fileMatcher(inputs.files);
    expect(writerOf('github').writes(path)).toBe(selects(path));
  });

  it.each<CiPlatform>(['github', 'gitlab'])(
    'on %s, its default commit message starts no pipeline',
    (platform) => {
      const effect = writerOf(platform).ci[platform];
      expect(effect?.starts).toBe(false);
      expect(effect?.why).toContain('default commit message carries [skip ci]');
    },
  );
});
