/**
 * Renders the faces of an action from its definition: the GitHub action.yml, the GitLab component
 * template, and the Markdown input/output tables. Pure functions; scripts/generate.ts writes files.
 */
import { stringify } from 'yaml';
import type { ActionDefinition, InputSpec } from '../src/definition.ts';
import { inputVariable } from '../src/platform/cli.ts';

const HEADER = 'Generated from actions/%s/definition.ts by `npm run generate`. Do not edit.';

export function githubActionYaml(definition: ActionDefinition): string {
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.inputs)) {
    const entry: Record<string, unknown> = { description: oneLine(spec.description) };
    entry.required = Boolean(spec.required);
    const value = spec.githubDefault ?? spec.default;
    if (value !== undefined && !spec.required) entry.default = String(value);
    inputs[name] = entry;
  }
  const outputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(definition.outputs))
    outputs[name] = { description: oneLine(spec.description) };
  const doc = {
    name: `golden-actions ${definition.name}`,
    description: definition.description,
    author: 'golden-actions',
    branding: definition.branding,
    inputs,
    outputs,
    runs: { using: 'node24', main: `../dist/${definition.name}/index.js` },
  };
  return `# ${HEADER.replace('%s', definition.name)}\n${stringify(doc, { lineWidth: 0 })}`;
}

/** Inputs every component adds for GitLab itself. */
const gitlabJobInputs = {
  stage: { description: 'Pipeline stage of the job.', default: 'build' },
  'job-name': {
    description: 'Name of the job (set it to include the component more than once).',
    default: '',
  },
  image: {
    description:
      'Job image: the golden-actions runner image, or any image with Node.js 20+ (the CLI is then fetched with npx).',
    default: '',
  },
  rules: {
    description: 'Job `rules:` (array), e.g. to build only on the default branch.',
    type: 'array',
    default: [{ when: 'on_success' }],
  },
} as const;

export const GITLAB_STAGE_DEFAULTS: Record<string, string> = {
  'build-push-image': 'build',
  'package-push-chart': 'build',
  'bump-gitops-tag': 'deploy',
  'verify-paths-filter': 'test',
};

export interface GitLabOptions {
  /** Default runner image, e.g. `$CI_REGISTRY/platform/golden-actions/runner:1.0.0`. */
  runnerImage: string;
  /** Version of the npm package the job falls back to. */
  version: string;
}

export function gitlabComponentYaml(definition: ActionDefinition, options: GitLabOptions): string {
  const usesAws = 'audience' in definition.inputs;
  const inputs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(gitlabJobInputs)) {
    const entry: Record<string, unknown> = { description: spec.description };
    if ('type' in spec) entry.type = spec.type;
    entry.default =
      name === 'stage'
        ? (GITLAB_STAGE_DEFAULTS[definition.name] ?? 'build')
        : name === 'job-name'
          ? definition.name
          : name === 'image'
            ? options.runnerImage
            : spec.default;
    inputs[name] = entry;
  }
  for (const [name, spec] of Object.entries(definition.inputs)) {
    if (spec.githubOnly) continue;
    inputs[name] = gitlabInput(spec);
  }
  // String inputs travel as variables (never spliced into the shell line; GitLab still expands
  // $VARS in them at job start, e.g. `tag: $IMAGE_TAG` from a dotenv report). Boolean and number
  // inputs cannot be job variables (GitLab keeps their type), and their validated values are safe
  // as flags.
  const variables: Record<string, string> = {};
  const flags: string[] = [];
  for (const [name, spec] of Object.entries(definition.inputs)) {
    if (spec.githubOnly) continue;
    if (spec.type === 'boolean' || spec.type === 'number') flags.push(`--${name}=$[[ inputs.${name} ]]`);
    else variables[inputVariable(name)] = `$[[ inputs.${name} ]]`;
  }
  const command = [definition.name, ...flags].join(' ');
  variables.GA_DOTENV = `${definition.name}.env`;
  variables.GA_VERSION = options.version;
  const job: Record<string, unknown> = {
    stage: '$[[ inputs.stage ]]',
    image: '$[[ inputs.image ]]',
  };
  if (usesAws) job.id_tokens = { GITLAB_OIDC_TOKEN: { aud: '$[[ inputs.audience ]]' } };
  job.variables = variables;
  job.script = [
    `if command -v golden-actions >/dev/null 2>&1; then golden-actions ${command}; else npx --yes "golden-actions@$GA_VERSION" ${command}; fi`,
  ];
  job.artifacts = { reports: { dotenv: `${definition.name}.env` }, when: 'always' };
  job.rules = '$[[ inputs.rules ]]';
  const spec = { spec: { inputs } };
  const jobs = { '$[[ inputs.job-name ]]': job };
  return [
    `# ${HEADER.replace('%s', definition.name)}`,
    `# ${definition.description}`,
    stringify(spec, { lineWidth: 0 }).trimEnd(),
    '---',
    stringify(jobs, { lineWidth: 0 }),
  ].join('\n');
}

function gitlabInput(spec: InputSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = { description: oneLine(spec.description) };
  const type = spec.type === 'boolean' ? 'boolean' : spec.type === 'number' ? 'number' : 'string';
  if (type !== 'string') entry.type = type;
  if (spec.options) entry.options = [...spec.options];
  const value = spec.gitlabDefault ?? spec.default;
  // No default makes the input mandatory in GitLab.
  if (!spec.required) entry.default = value ?? '';
  return entry;
}

export function inputsTable(definition: ActionDefinition, face: 'github' | 'gitlab' = 'github'): string {
  const rows = ['| input | description | default |', '| --- | --- | --- |'];
  for (const [name, spec] of Object.entries(definition.inputs)) {
    if (face === 'gitlab' && spec.githubOnly) continue;
    const value =
      face === 'github' ? (spec.githubDefault ?? spec.default) : (spec.gitlabDefault ?? spec.default);
    const shown = spec.required
      ? '**required**'
      : value === undefined || value === ''
        ? ''
        : `\`${String(value).replace(/\n/g, '\\n')}\``;
    const options = spec.options ? ` One of: ${spec.options.map((o) => `\`${o}\``).join(', ')}.` : '';
    rows.push(`| \`${name}\` | ${cell(spec.description)}${options} | ${shown} |`);
  }
  return rows.join('\n');
}

export function outputsTable(definition: ActionDefinition, face: 'github' | 'gitlab' = 'github'): string {
  const rows =
    face === 'gitlab'
      ? ['| output | dotenv variable | description |', '| --- | --- | --- |']
      : ['| output | description |', '| --- | --- |'];
  for (const [name, spec] of Object.entries(definition.outputs)) {
    rows.push(
      face === 'gitlab'
        ? `| \`${name}\` | ${spec.dotenv ? `\`${spec.dotenv}\`` : '(not in dotenv)'} | ${cell(spec.description)} |`
        : `| \`${name}\` | ${cell(spec.description)} |`,
    );
  }
  if (definition.dynamicOutputs)
    rows.push(
      face === 'gitlab'
        ? `| | | ${cell(definition.dynamicOutputs)} |`
        : `| | ${cell(definition.dynamicOutputs)} |`,
    );
  return rows.join('\n');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const cell = (text: string) => oneLine(text).replace(/\|/g, '\\|');
