/**
 * `$[[ component.* ]]` rendered the way GitLab renders it (`spec:component`, GitLab 18.6), for
 * gitlab-ci-local 4.75, which gives every field the HEAD SHA for a local include (so it would show a
 * version where GitLab has none). The harness renders the component project's templates with this
 * before a run; gitlab-ci-local then only sees plain text.
 *
 * GitLab's rules reproduced here:
 * - only the part after the `spec:` header is rendered, and only fields the header declares in
 *   `spec:component` may be used (anything else makes the configuration invalid);
 * - `name` is the component (the template's file name), `sha` the commit the include resolved to,
 *   `version` the release it resolved to (`@1.2.3`, `@1.2`, `@1`, `@~latest`) and nothing at all for
 *   an unreleased ref (a commit SHA or a branch): empty inside a longer string, null as a whole value.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDocument, visit } from 'yaml';

export interface ComponentContext {
  name: string;
  sha: string;
  /** The release the include resolved to; undefined for an unreleased ref. */
  version?: string;
}

const FIELDS = ['name', 'sha', 'version'] as const;
const EXPRESSION = /\$\[\[\s*component\.([\w-]+)\s*\]\]/g;

/** One template's text with every `$[[ component.* ]]` rendered; throws as GitLab rejects. */
export function renderComponentContext(
  template: string,
  context: ComponentContext,
  file = 'template',
): string {
  if (!/\$\[\[\s*component\./.test(template)) return template;
  const split = template.search(/^---\s*$/m);
  if (split === -1) throw new Error(`${file}: component context used without a spec: header`);
  const header = template.slice(0, split);
  const body = template.slice(split);
  const spec = (parseDocument(header).toJS() as { spec?: { component?: unknown } } | null)?.spec;
  const declared = Array.isArray(spec?.component) ? (spec.component as string[]) : [];
  const value = (field: string): string | undefined => {
    if (!(FIELDS as readonly string[]).includes(field))
      throw new Error(`${file}: unknown component context field component.${field}`);
    if (!declared.includes(field))
      throw new Error(`${file}: component.${field} is used but not declared in spec:component`);
    return context[field as (typeof FIELDS)[number]];
  };
  // GitLab interpolates the parsed YAML, one string at a time: so does this (a text replacement could
  // change the YAML itself, e.g. `image: x:` followed by nothing would become a mapping).
  const doc = parseDocument(body.replace(/^---\s*\n/, ''));
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('$[[')) return;
      const whole = /^\s*\$\[\[\s*component\.([\w-]+)\s*\]\]\s*$/.exec(node.value);
      // A whole value keeps its type: a missing version is null, not an empty string.
      if (whole) node.value = value(whole[1]!) ?? null;
      else node.value = node.value.replace(EXPRESSION, (_m, field: string) => value(field) ?? '');
    },
  });
  const rendered = `---\n${doc.toString({ lineWidth: 0 })}`;
  return header + rendered;
}

/**
 * Renders every component template of a project in place (`templates/<name>.yml` and
 * `templates/<name>/template.yml`), as GitLab would for an include that resolved to `sha` and
 * `version`. Returns the files rendered.
 */
export function renderProjectTemplates(
  projectDir: string,
  context: Omit<ComponentContext, 'name'>,
): string[] {
  const dir = join(projectDir, 'templates');
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry);
    const [file, name] = statSync(path).isDirectory()
      ? [join(path, 'template.yml'), entry]
      : entry.endsWith('.yml')
        ? [path, basename(entry, '.yml')]
        : [];
    if (!file || !name) continue;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    writeFileSync(file, renderComponentContext(text, { ...context, name }, `templates/${entry}`));
    files.push(file);
  }
  return files;
}
