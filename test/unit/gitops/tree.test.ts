import { describe, expect, it } from 'vitest';
import { ancestors, parseTree, tidyMessage, treeId } from '../../../src/core/gitops/tree.ts';

describe('tree records and messages', () => {
  it('parses ls-tree -z records, names with spaces and tabs kept, under a base folder', () => {
    const out = '100644 blob aa\ta b.yaml\u0000040000 tree bb\tsub\u0000100755 blob cc\tx\ty\u0000';
    expect(parseTree(out, 'deploy')).toEqual([
      { mode: '100644', type: 'blob', oid: 'aa', path: 'deploy/a b.yaml' },
      { mode: '040000', type: 'tree', oid: 'bb', path: 'deploy/sub' },
      { mode: '100755', type: 'blob', oid: 'cc', path: 'deploy/x\ty' },
    ]);
  });

  it.each([
    ['deploy', ['']],
    ['clusters/prod/apps', ['', 'clusters', 'clusters/prod']],
  ])('the folders above %s', (folder, expected) => {
    expect(ancestors(folder)).toEqual(expected);
  });

  // What `git commit -F` stores for a message it does not edit (test/e2e/gitops-tree.test.ts compares with git).
  it.each([
    ['subject\n\nGitOps-Bump: app:1.2.3', 'subject\n\nGitOps-Bump: app:1.2.3\n'],
    ['\n\n  subject  \n\n\n\nbody   \n\t\n# kept\n\n', '  subject\n\nbody\n\n# kept\n'],
    ['one line', 'one line\n'],
    [' \n\n', ''],
  ])('tidies %j', (message, expected) => {
    expect(tidyMessage(message)).toBe(expected);
  });

  // Ids as `git mktree` gives them for the same entries (a folder sorts as if its name ended in '/').
  const EMPTY_BLOB = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391';
  it.each([
    ['no entries (the empty tree)', [], '4b825dc642cb6eb9a060e54bf8d69288fbee4904'],
    [
      'a folder named like the start of file names, an executable and a symlink, unsorted',
      [
        { mode: '100644', type: 'blob', oid: EMPTY_BLOB, name: 'a.yaml' },
        { mode: '040000', type: 'tree', oid: '4b825dc642cb6eb9a060e54bf8d69288fbee4904', name: 'a' },
        { mode: '100755', type: 'blob', oid: EMPTY_BLOB, name: 'a-b' },
        { mode: '120000', type: 'blob', oid: EMPTY_BLOB, name: 'b0' },
      ],
      'a6041c75d61cb746eefd356ca27e0e4c3915418e',
    ],
  ])('the tree id of %s', (_, entries, id) => {
    expect(treeId(entries)).toBe(id);
  });
});
