/** Programs started with exec, their output handed over while they run. */
import { describe, expect, it } from 'vitest';
import { exec } from '../../src/core/util/exec.ts';

describe('exec with onStdout', () => {
  it('hands stdout over as text while the program runs, a character split between writes kept whole', async () => {
    // フメ is e3 83 95 e3 83 a1 in UTF-8: the first write ends inside the first character.
    const program = [
      'process.stdout.write(Buffer.from([0x61, 0xe3]));',
      'setTimeout(() => process.stdout.write(Buffer.from([0x83, 0x95, 0xe3, 0x83, 0xa1, 0x62])), 100);',
    ].join('');
    const pieces: string[] = [];
    const result = await exec(process.execPath, ['-e', program], { onStdout: (text) => pieces.push(text) });
    expect(pieces.join('')).toBe('aフメb');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((piece) => !piece.includes('\ufffd'))).toBe(true);
    expect(result).toMatchObject({ code: 0, stdout: '' });
  });
});
