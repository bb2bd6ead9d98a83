/** Chart metadata validation and Helm's string sanitising (applied before Chart.yaml is re-written). */

import { componentProblem } from '../registry/reference.ts';
import { ChartError, type ChartMetadata } from './metadata.ts';
import { isLenientSemver, versionProblem } from './version.ts';

const ALIAS = /^[a-zA-Z0-9_-]+$/;

/**
 * Helm's sanitising, done when a chart is validated and therefore in every packaged Chart.yaml:
 * each whitespace rune becomes a space and non-printable runes are dropped.
 */
export function sanitize(text: string): string {
  let out = '';
  for (const char of text) {
    if (isGoSpace(char)) out += ' ';
    else if (/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(char)) out += char;
  }
  return out;
}

/** Go's unicode.IsSpace. */
function isGoSpace(char: string): boolean {
  return /[\t\n\v\f\r \u0085\u00a0]/.test(char) || /\p{Z}/u.test(char);
}

/** A copy of the metadata with Helm's sanitising applied to the fields Helm sanitises. */
export function sanitizeMetadata(md: ChartMetadata): ChartMetadata {
  const out: ChartMetadata = { ...md };
  for (const key of [
    'name',
    'description',
    'home',
    'icon',
    'condition',
    'tags',
    'appVersion',
    'kubeVersion',
  ] as const) {
    if (out[key] !== undefined) out[key] = sanitize(out[key]);
  }
  if (out.sources) out.sources = out.sources.map(sanitize);
  if (out.keywords) out.keywords = out.keywords.map(sanitize);
  if (out.maintainers) {
    out.maintainers = out.maintainers.map((m) => {
      const copy = { ...m };
      for (const key of ['name', 'email', 'url'] as const)
        if (copy[key] !== undefined) copy[key] = sanitize(copy[key]);
      return copy;
    });
  }
  if (out.dependencies) {
    out.dependencies = out.dependencies.map((d) => {
      const copy = { ...d, name: sanitize(d.name), repository: sanitize(d.repository) };
      if (copy.version !== undefined) copy.version = sanitize(copy.version);
      if (copy.condition !== undefined) copy.condition = sanitize(copy.condition);
      if (copy.tags) copy.tags = copy.tags.map(sanitize);
      return copy;
    });
  }
  return out;
}

export interface ValidationResult {
  warnings: string[];
}

/**
 * Validates the chart being pushed. Stricter than Helm where Helm's leniency bites later: the
 * version is strict semver and the name must be usable as an OCI repository name. A missing
 * apiVersion means v1, as in Helm (with a warning).
 */
export function validateRootMetadata(md: ChartMetadata, file: string): ValidationResult {
  const warnings: string[] = [];
  if (!md.apiVersion) {
    // Helm loads a chart without apiVersion as a v1 chart and writes `apiVersion: v1`; so do we.
    md.apiVersion = 'v1';
    warnings.push(
      `${file}: no 'apiVersion': packaged as apiVersion v1 (a Helm 2 chart), as Helm does; add apiVersion: v2`,
    );
  } else if (md.apiVersion === 'v1') {
    warnings.push(
      `${file}: apiVersion v1 is a Helm 2 chart; it is packaged as Helm 3 does, but consider apiVersion: v2 (dependencies in Chart.yaml)`,
    );
  } else if (md.apiVersion !== 'v2') {
    throw new ChartError(
      `${file}: 'apiVersion' '${md.apiVersion}' is not valid: use v2 (or v1 for Helm 2 charts)`,
    );
  }
  validateName(md, file);
  // The name becomes the last path component of the chart's OCI repository.
  if (!md.name || componentProblem(md.name)) {
    throw new ChartError(
      `${file}: 'name' '${md.name}' cannot be an OCI repository name: use lowercase letters and digits separated by one . or _, two __, or dashes (e.g. my-app)`,
    );
  }
  if (!md.version) throw new ChartError(`${file}: 'version' is required (e.g. version: 0.1.0)`);
  const problem = versionProblem(md.version);
  if (problem) throw new ChartError(`${file}: 'version' ${problem}`);
  validateCommon(md, file);
  return { warnings };
}

/** What Helm itself requires of every chart, sub-charts included. */
export function validateSubchartMetadata(md: ChartMetadata, file: string): void {
  validateName(md, file);
  if (!md.version) throw new ChartError(`${file}: 'version' is required`);
  if (!isLenientSemver(md.version))
    throw new ChartError(`${file}: 'version' '${md.version}' is not a semantic version`);
  validateCommon(md, file);
}

function validateName(md: ChartMetadata, file: string): void {
  if (!md.name) throw new ChartError(`${file}: 'name' is required`);
  if (md.name.includes('/') || md.name.includes('\\') || md.name === '.' || md.name === '..') {
    throw new ChartError(
      `${file}: 'name' '${md.name}' is invalid: a chart name is one path segment (no slash); put the registry path in the namespace input`,
    );
  }
}

function validateCommon(md: ChartMetadata, file: string): void {
  if (md.type && md.type !== 'application' && md.type !== 'library') {
    throw new ChartError(`${file}: 'type' '${md.type}' must be application or library`);
  }
  const seen = new Set<string>();
  for (const dependency of md.dependencies ?? []) {
    if (!dependency.name) throw new ChartError(`${file}: every entry of 'dependencies' needs a name`);
    if (dependency.alias !== undefined && dependency.alias !== '' && !ALIAS.test(dependency.alias)) {
      throw new ChartError(
        `${file}: dependency '${dependency.name}' has disallowed characters in its alias '${dependency.alias}'`,
      );
    }
    const key = dependency.alias || dependency.name;
    if (seen.has(key)) throw new ChartError(`${file}: more than one dependency with name or alias '${key}'`);
    seen.add(key);
  }
}
