import { describe, expect, it } from 'vitest';
import { mapCopy, normalizeDir, normalizeUrl } from '../../../src/core/loop-guard/flux.ts';

describe('ArtifactGenerator copy rules', () => {
  it.each<[string, string, string, string[]]>([
    ['@monorepo/apps/staging/**', '@artifact/staging/', 'staging', ['apps/staging']],
    ['@monorepo/apps/staging/**', '@artifact/staging/', 'staging/sub', ['apps/staging/sub']],
    ['@monorepo/apps/staging/**', '@artifact/staging/', '', ['apps/staging']],
    ['@monorepo/apps/staging/**', '@artifact/staging/', 'production', []],
    ['@monorepo/infrastructure/**', '@artifact/', 'configs', ['infrastructure/configs']],
    ['@monorepo/deploy/app.yaml', '@artifact/app.yaml', '', ['deploy']],
  ])('%s → %s, path %s', (from, to, path, expected) => expect(mapCopy(from, to, path)).toEqual(expected));
});

describe('helpers', () => {
  it.each([
    ['./deploy/', 'deploy'],
    ['./', ''],
    ['.', ''],
    ['/abs/dir', 'abs/dir'],
    ['a/../b', 'b'],
  ])('normalizeDir(%s) = %s', (input, expected) => expect(normalizeDir(input)).toBe(expected));

  it.each([
    ['ssh://git@github.com/org/app', 'https://github.com/org/app.git'],
    ['git@github.com:org/app.git', 'https://github.com/Org/App'],
    ['ssh://git@gitlab.example.com:2222/group/app.git', 'https://gitlab.example.com/group/app'],
  ])('%s is the same repository as %s', (a, b) => expect(normalizeUrl(a)).toBe(normalizeUrl(b)));
});
