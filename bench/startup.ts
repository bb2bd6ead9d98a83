/**
 * Start-up cost of each bundle against a bare `node -e 0` measured in the same run, with each
 * bundle run as the GitHub runner runs it:
 *  - "inputs checked": an input that fails validation stops the action right after reading and
 *    checking its inputs, the first useful work (the action's own code is not loaded yet);
 *  - "code loaded": inputs that pass validation but fail on the first check inside run(), so the
 *    action's whole code (YAML, tar, git helpers; not the AWS SDK, which loads only for AWS) is in.
 *
 *   npm run bench            # median of BENCH_RUNS (15) runs each, ratio to the baseline
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actions } from '../actions/index.ts';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const dir = mkdtempSync(join(tmpdir(), 'ga-bench-'));
const output = join(dir, 'output');
writeFileSync(output, '');

/** Inputs that pass validation but make run() stop at its first check. */
const failsInRun: Record<string, Record<string, string>> = {
  'build-push-image': { INPUT_REPOSITORY: 'Not/Valid' },
  'package-push-chart': { INPUT_CHART: '../outside' },
  'bump-gitops-tag': { INPUT_IMAGE: 'reg.example.com/app', INPUT_TAG: '-bad-tag' },
  'verify-paths-filter': { INPUT_FILTERS: 'app: [' },
};

function median(command: string[], env: NodeJS.ProcessEnv = {}): number {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const start = process.hrtime.bigint();
    spawnSync(command[0]!, command.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore', cwd: dir });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.splice(0, 2); // warm-up runs
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const github = { GITHUB_OUTPUT: output, GITHUB_WORKSPACE: dir, RUNNER_TEMP: dir };
const baseline = median([process.execPath, '-e', '0']);
const ratio = (ms: number) => `${ms.toFixed(1).padStart(7)} ms ${(ms / baseline).toFixed(2).padStart(5)}x`;
console.log(`startup, median of ${runs} runs; baseline node -e 0: ${baseline.toFixed(1)} ms`);
console.log(`${'bundle'.padEnd(22)} ${'inputs checked'.padStart(21)} ${'code loaded'.padStart(21)}`);
for (const { definition } of actions) {
  const bundle = join(process.cwd(), 'dist', definition.name, 'index.js');
  const optionInput = Object.entries(definition.inputs).find(([, spec]) => spec.options)?.[0] ?? 'dry-run';
  const early = median([process.execPath, bundle], {
    ...github,
    [`INPUT_${optionInput.toUpperCase()}`]: 'not-an-option',
  });
  const loaded = median([process.execPath, bundle], { ...github, ...failsInRun[definition.name] });
  console.log(`${definition.name.padEnd(22)} ${ratio(early)} ${ratio(loaded)}`);
}
const cli = join(process.cwd(), 'bin', 'golden-actions.js');
console.log(`${'CLI --help'.padEnd(22)} ${ratio(median([process.execPath, cli, '--help']))}`);
const size = (file: string) => statSync(join('dist', file)).size;
console.log(
  `entry files: ${actions.map(({ definition }) => `${definition.name} ${size(`${definition.name}/index.js`)} B`).join(', ')}`,
);
