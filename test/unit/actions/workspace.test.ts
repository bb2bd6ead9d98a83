/** The workspace-path rule every action uses for its path inputs (actions/shared/workspace.ts). */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspacePath } from '../../../actions/shared/workspace.ts';

let dir: string;
let ws: string;

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'ga-ws-')));
  ws = join(dir, 'ws');
  mkdirSync(join(ws, 'app'), { recursive: true });
  mkdirSync(join(ws, '..foo'));
  writeFileSync(join(ws, 'app', 'Dockerfile'), 'FROM scratch\n');
  mkdirSync(join(dir, 'outside'));
  symlinkSync(join(dir, 'outside'), join(ws, 'escape'));
  symlinkSync(join(ws, 'app'), join(ws, 'link-in'));
  // The workspace itself reached through a link, as /tmp is on some runners.
  symlinkSync(ws, join(dir, 'ws-link'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workspacePath', () => {
  it('resolves a relative path, returning the real path and a display path', () => {
    expect(workspacePath(ws, 'app/Dockerfile', 'dockerfile')).toEqual({
      path: join(ws, 'app', 'Dockerfile'),
      display: 'app/Dockerfile',
    });
    expect(workspacePath(ws, '.', 'context')).toEqual({ path: ws, display: '.' });
  });

  it('accepts a folder whose name starts with two dots', () => {
    expect(workspacePath(ws, '..foo', 'context').display).toBe('..foo');
    expect(workspacePath(ws, './..foo', 'context').path).toBe(join(ws, '..foo'));
  });

  it('rejects a parent path, naming the input', () => {
    expect(() => workspacePath(ws, '..', 'context')).toThrow("Input 'context': .. is outside the workspace");
    expect(() => workspacePath(ws, '../outside', 'context')).toThrow(/is outside the workspace/);
    expect(() => workspacePath(ws, 'app/../../outside', 'context')).toThrow(/is outside the workspace/);
  });

  it('rejects a symbolic link that leads out, and follows one that stays in', () => {
    expect(() => workspacePath(ws, 'escape', 'chart')).toThrow(
      `Input 'chart': escape leads outside the workspace ${ws} (symbolic link)`,
    );
    expect(workspacePath(ws, 'link-in', 'context')).toEqual({ path: join(ws, 'app'), display: 'app' });
  });

  it('takes absolute paths inside the workspace, also through a linked workspace', () => {
    expect(workspacePath(ws, join(ws, 'app'), 'context').display).toBe('app');
    expect(workspacePath(join(dir, 'ws-link'), join(dir, 'ws-link', 'app'), 'context')).toEqual({
      path: join(ws, 'app'),
      display: 'app',
    });
    expect(() => workspacePath(ws, join(dir, 'outside'), 'context')).toThrow(/is outside the workspace/);
    expect(() => workspacePath(ws, '/etc', 'context')).toThrow(/is outside the workspace/);
  });

  it('says when the path does not exist', () => {
    expect(() => workspacePath(ws, 'nope/Dockerfile', 'dockerfile')).toThrow(
      `Input 'dockerfile': nope/Dockerfile does not exist in the workspace ${ws}`,
    );
  });
});
