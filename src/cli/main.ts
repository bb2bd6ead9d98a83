import { actions } from '../../actions/index.ts';
import { knownEnv } from '../core/env-vars.ts';
import { UserError } from '../core/errors.ts';
import { CliPlatform, inputVariable } from '../platform/cli.ts';
import { GitLabPlatform } from '../platform/gitlab.ts';
import { quietBundledSdk } from '../platform/sdk-env.ts';
import { runAction } from '../runner.ts';
import { globalOptions, parseArgs } from './args.ts';
import { actionHelp, mainHelp } from './help.ts';

declare const GOLDEN_ACTIONS_VERSION: string;
const version = typeof GOLDEN_ACTIONS_VERSION === 'string' ? GOLDEN_ACTIONS_VERSION : 'dev';

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const definitions = actions.map((a) => a.definition);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Without arguments it is a usage error: help goes to stderr, exit 2.
    (name ? process.stdout : process.stderr).write(mainHelp(definitions, version));
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v' || name === '-V' || name === 'version') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (name === 'flux-check') {
    // Loaded only when asked for: it reads YAML, which no action's --help needs.
    const { fluxCheckCommand } = await import('./flux-check.ts');
    return fluxCheckCommand(rest);
  }
  const entry = actions.find((a) => a.definition.name === name);
  if (!entry) {
    process.stderr.write(
      `error: unknown action '${name}'. Actions: ${definitions.map((d) => d.name).join(', ')}\n`,
    );
    return 2;
  }
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(entry.definition, rest);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof UserError ? error.message : String(error)}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(actionHelp(entry.definition));
    return 0;
  }
  for (const name of args.flags.keys()) {
    if (entry.definition.inputs[name]?.secret) {
      process.stderr.write(
        `warning: --${name} on the command line shows in the process list and shell history; prefer ${inputVariable(name)}\n`,
      );
    }
  }
  quietBundledSdk();
  const options = {
    flags: args.flags,
    json: args.json,
    sha: args.sha,
    ref: args.ref,
    defaultBranch: args.defaultBranch,
    summary: args.summary,
    // Names messages may spell as flags: the inputs and the command line's own options.
    inputs: [...Object.keys(entry.definition.inputs), ...globalOptions(entry.definition)],
  };
  const platform = knownEnv().GITLAB_CI === 'true' ? new GitLabPlatform(options) : new CliPlatform(options);
  return runAction(entry, platform);
}

process.exitCode = await main(process.argv.slice(2));
