// The informer cache's table of shared structures (src/server/reduce.ts shared()) outlives the
// objects that brought them, and was bounded by count only (outside attack atk54): 5,000 PVs, each
// with its own 400-host node affinity (or 300 empty terms), reduced as list pages and watch events reduce them and then
// deleted, left 312 MB in it. It is now bounded in bytes too. Measured in a child Node with
// --expose-gc: the heap after a collection, with the PVs dropped, against the heap before.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const script = `
const { reduced } = await import(${JSON.stringify(pathToFileURL(resolve('dist/server/reduce.js')).href)});
const shape = process.argv[1];
const pvWith = (i) => ({
  apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-' + i },
  spec: {
    capacity: { storage: '5Ti' }, accessModes: ['ReadWriteOnce'], local: { path: '/ais/sda' },
    claimRef: { namespace: 'ais', name: 'ais-data-aistore-ais-target-' + i },
    nodeAffinity: { required: { nodeSelectorTerms: shape === 'hosts'
      ? [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In',
          values: Array.from({ length: 400 }, (_, h) => 'host-' + i + '-' + h) }] }]
      // Under 1 KiB of JSON, but 300 objects on the heap.
      : [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n' + i] }] },
         ...Array.from({ length: 300 }, () => ({}))] } },
  },
});
globalThis.gc(); const before = process.memoryUsage().heapUsed;
for (let i = 0; i < 12000; i++) reduced(pvWith(i), 'v1', 'PersistentVolume');
globalThis.gc(); globalThis.gc();
console.log(JSON.stringify({ keptMb: (process.memoryUsage().heapUsed - before) / 2 ** 20 }));
`;

describe("the cache's shared structures", () => {
  it.each([
    ['400 hosts each', 'hosts'],
    ['300 empty terms each (little JSON, many objects: rvw54)', 'empty'],
  ])(
    'of 12,000 PVs with their own affinity, %s: kept within budget once the PVs are gone',
    (_, shape) => {
      const out = execFileSync(
        process.execPath,
        ['--expose-gc', '--input-type=module', '-e', script, shape],
        { encoding: 'utf8' },
      );
      const { keptMb } = JSON.parse(out) as { keptMb: number };
      // Before: 115-312 MB for hosts, 166 MB for empty terms. Now the 8 MiB estimate and the interned strings.
      expect(keptMb).toBeLessThan(20);
    },
    120_000,
  );
});
