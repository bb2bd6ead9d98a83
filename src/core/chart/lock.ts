/**
 * Chart.lock (and v1's requirements.lock): Helm loads it into a Go struct and, for apiVersion v2
 * charts, writes it back re-marshalled: keys `dependencies`, `digest`, `generated` (none omitted),
 * `generated` as Go prints a time (RFC 3339, trailing fraction zeros dropped, `Z` for UTC).
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import { dependencyToGo, type GoJson } from './gojson.ts';
import { marshalGoYaml } from './goyaml.ts';
import { ChartError, type Dependency, parseChartYaml } from './metadata.ts';

export interface ChartLock {
  generated: string;
  digest: string;
  dependencies?: Dependency[];
}

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

export function parseLock(text: string, file: string): ChartLock {
  // Same `dependencies:` shape as Chart.yaml; this also reports malformed YAML with its line.
  const { metadata } = parseChartYaml(text, file);
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { version: '1.1' });
  const lock: ChartLock = { generated: GO_ZERO_TIME, digest: '', dependencies: metadata.dependencies };
  if (!isMap(doc.contents)) return lock;
  const generated = doc.contents.get('generated', true);
  if (isScalar(generated) && generated.value !== null) {
    const written = generated.source ?? String(generated.value);
    const formatted = goTime(written);
    if (!formatted) throw new ChartError(`${file}: 'generated' '${written}' is not an RFC 3339 time`);
    lock.generated = formatted;
  }
  const digest = doc.contents.get('digest', true);
  if (isScalar(digest) && digest.value !== null) lock.digest = digest.source ?? String(digest.value);
  return lock;
}

/** Go's time.Time JSON form (RFC 3339 with nanoseconds, trailing zeros dropped). */
function goTime(text: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(
    text.trim(),
  );
  if (!match) return undefined;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const zone = /^[Zz]$|^[+-]00:00$/.test(match[4]!) ? 'Z' : match[4]!;
  return `${match[1]}T${match[2]}${fraction ? `.${fraction}` : ''}${zone}`;
}

/** The Chart.lock bytes Helm writes into a v2 chart's package. */
export function lockToYaml(lock: ChartLock): Buffer {
  const value: Record<string, GoJson> = {
    generated: lock.generated,
    digest: lock.digest,
    dependencies: lock.dependencies ? lock.dependencies.map(dependencyToGo) : null,
  };
  return Buffer.from(marshalGoYaml(value), 'utf8');
}
