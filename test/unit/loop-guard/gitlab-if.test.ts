import { describe, expect, it } from 'vitest';
import { evaluateIf, UNKNOWN_DEFAULT_BRANCH, type VarValue } from '../../../src/core/loop-guard/gitlab-if.ts';

const push: Record<string, VarValue> = {
  CI_PIPELINE_SOURCE: 'push',
  CI_COMMIT_BRANCH: 'main',
  CI_DEFAULT_BRANCH: 'main',
  CI_COMMIT_TAG: null,
  CI_COMMIT_MESSAGE: 'chore(deploy): bump [skip ci]',
};
const lookup = (vars: Record<string, VarValue>) => (name: string) => (name in vars ? vars[name] : undefined);

describe('GitLab rules:if for a push (three-valued)', () => {
  it.each<[string, boolean | undefined]>([
    ['$CI_PIPELINE_SOURCE == "push"', true],
    ['$CI_PIPELINE_SOURCE == "merge_request_event"', false],
    ["$CI_PIPELINE_SOURCE != 'schedule'", true],
    ['$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', true],
    ['${CI_COMMIT_BRANCH} == "main"', true],
    ['$CI_COMMIT_TAG', false],
    ['$CI_COMMIT_TAG == null', true],
    ['$CI_COMMIT_BRANCH', true],
    ['$CI_COMMIT_MESSAGE =~ /\\[skip ci\\]/', true],
    ['$CI_COMMIT_MESSAGE !~ /bump/i', false],
    ['$CI_COMMIT_BRANCH && $CI_PIPELINE_SOURCE == "push"', true],
    ['$CI_COMMIT_TAG || $CI_COMMIT_BRANCH == "release"', false],
    ['($CI_COMMIT_TAG || $CI_COMMIT_BRANCH) && $CI_PIPELINE_SOURCE == "push"', true],
    // project variables are unknown: the answer is unknown, unless the rest decides it
    ['$DEPLOY_ENABLED == "true"', undefined],
    ['$DEPLOY_ENABLED == "true" && $CI_COMMIT_TAG', false],
    ['$DEPLOY_ENABLED == "true" || $CI_COMMIT_BRANCH', true],
    ['not an expression', undefined],
  ])('%s → %s', (expression, expected) => expect(evaluateIf(expression, lookup(push))).toBe(expected));

  it('the default branch with an unknown name equals itself only', () => {
    const vars = lookup({
      CI_COMMIT_BRANCH: UNKNOWN_DEFAULT_BRANCH,
      CI_DEFAULT_BRANCH: UNKNOWN_DEFAULT_BRANCH,
    });
    expect(evaluateIf('$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', vars)).toBe(true);
    expect(evaluateIf('$CI_COMMIT_BRANCH == "main"', vars)).toBeUndefined();
    expect(evaluateIf('$CI_COMMIT_BRANCH =~ /^release/', vars)).toBeUndefined();
  });
});
