/**
 * Start-up cost of each bundle against a bare `node -e 0` measured in the same run. Each bundle is
 * run as the GitHub runner runs it, with an input that fails validation: the time to reach the
 * first useful work (reading and checking inputs), with nothing else in it.
 *
 *   npm run bench            # prints median ms and the ratio to the baseline
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

function median(command: string[], env: NodeJS.ProcessEnv = {}): number {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const start = process.hrtime.bigint();
    spawnSync(command[0]!, command.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.splice(0, 2); // warm-up runs
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const baseline = median([process.execPath, '-e', '0']);
const rows: [string, number, string][] = [['node -e 0 (baseline)', baseline, '']];
for (const { definition } of actions) {
  const bundle = join('dist', definition.name, 'index.js');
  // An unknown option value stops the action right after input parsing.
  const firstInput = Object.entries(definition.inputs).find(([, spec]) => spec.options)?.[0] ?? 'dry-run';
  const ms = median([process.execPath, bundle], {
    [`INPUT_${firstInput.toUpperCase()}`]: 'not-an-option',
    GITHUB_OUTPUT: output,
  });
  rows.push([
    `${definition.name} (GitHub bundle)`,
    ms,
    `${(statSync(bundle).size / 1024).toFixed(0)} kB entry`,
  ]);
}
rows.push(['golden-actions --help (CLI)', median([process.execPath, 'bin/golden-actions.js', '--help']), '']);

console.log(`startup, median of ${runs} runs`);
for (const [name, ms, note] of rows) {
  console.log(`${name.padEnd(42)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / baseline).toFixed(2)}x  ${note}`);
}
