/**
 * Literal text a glob's matches must contain, for both dialects (picomatch's and GitLab's fnmatch):
 * a cheap test that turns most paths of a big change away before the full matcher runs. No
 * dependencies, so the GitLab matcher does not load picomatch.
 */

/**
 * The literal runs between the wildcards of a glob made of plain characters, `*` and `?` only
 * (`services/*\/src/module0/**` -> `/src/module0`): every match contains each of them. A `/` next
 * to `**` is left out (`a/**\/b` also matches `a/b`). Other globs (braces, classes, extglobs,
 * escapes) give none: their text need not appear as written.
 */
export function literalMiddles(pattern: string): string[] {
  if (!/^[A-Za-z0-9_.\-/*?]*$/.test(pattern)) return [];
  const parts = pattern.split(/([*?]+)/);
  const middles: string[] = [];
  // parts alternate text, wildcard run, text, …: the first and last texts are the head and tail.
  for (let i = 2; i < parts.length - 2; i += 2) {
    let text = parts[i]!;
    if (parts[i - 1]!.includes('**') && text.startsWith('/')) text = text.slice(1);
    if (parts[i + 1]!.includes('**') && text.endsWith('/')) text = text.slice(0, -1);
    if (text !== '') middles.push(text);
  }
  return middles;
}

/** True when `path` contains every one of `parts` (an indexed loop: it runs per path and rule). */
export function containsAll(path: string, parts: readonly string[]): boolean {
  for (let i = 0; i < parts.length; i++) if (!path.includes(parts[i]!)) return false;
  return true;
}
