/** What counts as "a build" and as "a bump", in workflow steps and job scripts. */

/** Our build actions/components and the usual third-party build actions. */
const BUILD_USES =
  /(^|\/)(build-push-image|package-push-chart)(@|$)|^docker\/build-push-action@|^redhat-actions\/buildah-build@/;
/** Build commands in `run:` / `script:`. */
const BUILD_COMMAND =
  /\bdocker\s+(buildx\s+)?build\b|\bbuildah\s+(bud|build)\b|\bpodman\s+build\b|\bhelm\s+push\b|\/kaniko\/executor\b|\bgolden-actions(@\S*)?\s+(build-push-image|package-push-chart)\b/;
const BUMP_USES = /(^|\/)bump-gitops-tag(@|$)/;
const BUMP_COMMAND = /\bgolden-actions(@\S*)?\s+bump-gitops-tag\b/;

export const isBuildUses = (uses: string) => BUILD_USES.test(uses.trim());
export const isBuildCommand = (script: string) => BUILD_COMMAND.test(script);
export const isBumpUses = (uses: string) => BUMP_USES.test(uses.trim());
export const isBumpCommand = (script: string) => BUMP_COMMAND.test(script);

/** A GitLab component include: `<fqdn>/<path>/<name>@<version>` → name. */
export function componentName(component: string): string | undefined {
  return /\/([^/@]+)@[^/]*$/.exec(component.trim())?.[1];
}

/**
 * `--files x` / `--files=x` of a `golden-actions bump-gitops-tag` command line, if given.
 * Quotes around the value are removed; anything cleverer (variables) is taken literally.
 */
export function bumpCommandOption(script: string, option: string): string | undefined {
  const match = new RegExp(`--${option}(?:=|\\s+)("[^"]*"|'[^']*'|\\S+)`).exec(script);
  return match?.[1]?.replace(/^(["'])(.*)\1$/, '$2');
}
