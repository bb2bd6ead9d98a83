// The bare baseline for verify-paths-filter: read git's changed-file list, match it against the
// filters with picomatch (include/exclude, dot: true), print each filter's count. No git, no outputs.
import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';

const [pathsFile, filtersJson] = process.argv.slice(2);
const paths = readFileSync(pathsFile, 'utf8').split('\0').filter(Boolean);
const counts = {};
for (const [name, globs] of Object.entries(JSON.parse(filtersJson))) {
  const compile = (g) => picomatch(g, { dot: true });
  const includes = globs.filter((g) => !g.startsWith('!')).map(compile);
  const excludes = globs.filter((g) => g.startsWith('!')).map((g) => compile(g.slice(1)));
  let count = 0;
  for (const path of paths) {
    if (includes.some((m) => m(path)) && !excludes.some((m) => m(path))) count++;
  }
  counts[name] = count;
}
process.stdout.write(JSON.stringify(counts));
