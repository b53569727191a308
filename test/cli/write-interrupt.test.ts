// `check --fix --write` and SIGINT/SIGTERM (write.ts interruptible): while files are staged, the
// staged files go and the process dies of the signal (test/faults/review-fix24-interrupt.test.ts sends
// a real SIGINT); while they are renamed, the renames finish
// first, so the batch stays all or nothing. Here process.kill is a spy: the signal is only recorded.
import { describe, expect, it, jest } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFixes } from '../../src/cli/write.js';
import { stageFile } from '../../src/tls/atomic.js';
import { twoFixedFiles } from '../support/staged-fixes.js';

describe('--fix --write interrupted', () => {
  it('while renaming: every file is renamed, then the process dies of the signal', async () => {
    const { dir, fixes } = twoFixedFiles();
    const exit = jest.spyOn(process, 'kill').mockImplementation(() => true);
    try {
      let commits = 0;
      const result = await writeFixes(fixes, { followSymlinks: false }, async (path, data, options) => {
        const staged = await stageFile(path, data, options);
        return {
          discard: staged.discard,
          async commit() {
            if (++commits === 1) process.emit('SIGTERM');
            expect(exit).not.toHaveBeenCalled();
            await staged.commit();
          },
        };
      });
      expect(result.errors).toEqual([]);
      expect(result.written).toHaveLength(2);
      expect(exit).toHaveBeenCalledWith(process.pid, 'SIGTERM');
      for (const f of fixes) expect(readFileSync(f.source.file)).toEqual(f.bytes);
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      exit.mockRestore();
    }
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('while staging: the staged files are removed, none renamed, then the process dies of the signal', async () => {
    const { dir, fixes } = twoFixedFiles();
    const before = fixes.map((f) => readFileSync(f.source.file));
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => {
      // What the process's death would leave: the staged files gone by then.
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      throw new Error('killed');
    });
    try {
      let calls = 0;
      // (The spy throws out of the listener, into the staging: the batch stops there.)
      const result = await writeFixes(fixes, { followSymlinks: false }, async (path, data, options) => {
        const staged = await stageFile(path, data, options);
        if (++calls === 2) process.emit('SIGINT');
        return staged;
      });
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGINT');
      expect(result.written).toEqual([]);
    } finally {
      kill.mockRestore();
    }
    expect(fixes.map((f) => readFileSync(f.source.file))).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
