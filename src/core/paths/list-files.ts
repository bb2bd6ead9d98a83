/**
 * The `list-files` formats of `<filter>_files`, as dorny/paths-filter writes them, so a step that
 * consumed its output keeps working unchanged:
 * - `json`: a JSON list (the safe one: read it with `fromJSON` or `jq`, never paste it into a shell);
 * - `csv`: comma-separated; a name with anything but `[A-Za-z0-9._+:@%/-]` is double-quoted (`"` doubled);
 * - `shell`: space-separated shell words, quoted only where needed (single quotes; a name holding
 *   a single quote is split around it and the quote escaped as `\'`);
 * - `escape`: space-separated, every character outside `[A-Za-z0-9,._+:@%/-]` backslash-escaped;
 * - `none`: no `_files` output at all.
 */
export const LIST_FORMATS = ['none', 'csv', 'json', 'shell', 'escape'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

const CSV_SAFE = /^[a-zA-Z0-9._+:@%/-]+$/;
const SHELL_SAFE = /^[a-zA-Z0-9,._+:@%/-]+$/;
const SHELL_SAFE_WITH_QUOTE = /^[a-zA-Z0-9,._+:@%/'\s-]+$/;
const ESCAPED = /[^a-zA-Z0-9,._+:@%/-]/g;

export function csvEscape(name: string): string {
  if (name === '' || CSV_SAFE.test(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

export function shellEscape(name: string): string {
  if (name === '' || SHELL_SAFE.test(name)) return name;
  if (!name.includes("'")) return `'${name}'`;
  // Double quotes are safe here: nothing in the name is special inside them.
  if (SHELL_SAFE_WITH_QUOTE.test(name)) return `"${name}"`;
  return name.split("'").map(shellEscape).join("\\'");
}

export function backslashEscape(name: string): string {
  return name.replace(ESCAPED, '\\$&');
}

/** The `_files` value for a format; undefined for `none` (the output is not set). */
export function formatFiles(files: readonly string[], format: ListFormat): string | undefined {
  switch (format) {
    case 'none':
      return undefined;
    case 'json':
      return JSON.stringify(files);
    case 'csv':
      return files.map(csvEscape).join(',');
    case 'shell':
      return files.map(shellEscape).join(' ');
    case 'escape':
      return files.map(backslashEscape).join(' ');
  }
}
