// After listing a large cluster the guard returns the lists' memory (src/server/memory.ts): run as
// the image runs it (Node 24, scripts/node24.sh, with the ENTRYPOINT's flags, --expose-gc among
// them), against the fake apiserver holding 30,000 PVs, it logs one collection once every kind is
// listed and its RSS falls below its peak. Without --expose-gc it says nothing and keeps serving.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aistore, claimName, pv } from '../support/builders.js';
import { FakeApiServer, type StoredObject } from '../support/fake-apiserver.js';
import { until } from './support/client.js';
import { spawnGuard, type ChildGuard } from './support/guard.js';
import { record } from './support/report.js';

const PVS = 30_000;
const RETURNED = /^listed: returned the list's memory$/;

let fake: FakeApiServer;
let kubeconfig: string;
let node: string;
const dir = mkdtempSync(join(tmpdir(), 'ais-guard-list-memory-'));

/** The ENTRYPOINT's Node flags: the image is what this file is about. */
function imageNodeFlags(): string[] {
  const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(readFileSync('Dockerfile', 'utf8'));
  return (JSON.parse(line![1]!) as string[]).filter((arg) => arg.startsWith('--'));
}

function memoryKb(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

async function listedGuard(nodeArgs: string[]): Promise<ChildGuard> {
  const guard = await spawnGuard(
    ['--port=0', '--host=127.0.0.1', `--cert-dir=${dir}`, `--kubeconfig=${kubeconfig}`],
    { node, nodeArgs, keep: (line) => !line.includes('"msg":"review"') },
  );
  await until('every kind listed', () => guard.logs(/^listed$/).length === 4, 60_000);
  return guard;
}

beforeAll(async () => {
  node = join(execFileSync('scripts/node24.sh', { encoding: 'utf8' }).trim().split('\n').pop()!, 'node');
  fake = await FakeApiServer.start();
  fake.put('aistores', aistore() as StoredObject);
  for (let i = 0; i < PVS; i++)
    fake.put(
      'persistentvolumes',
      pv(`pv-${i}`, { claim: claimName(i), host: `node-${i % 500}` }) as StoredObject,
      {
        quietly: true,
      },
    );
  kubeconfig = fake.writeKubeConfig(join(dir, 'kubeconfig'));
});

afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the lists' memory", () => {
  it('as the image runs it: one collection once every kind is listed, RSS below its peak after', async () => {
    const guard = await listedGuard(imageNodeFlags());
    try {
      await until('the collection logged', () => guard.logs(RETURNED).length === 1, 30_000);
      const [line] = guard.logs(RETURNED) as [{ pauseMs: number; rssMb: number }];
      const memory = memoryKb(guard.child.pid!);
      record('list-memory', { pvs: PVS, pauseMs: line.pauseMs, rssMb: line.rssMb, ...memory });
      expect(line.pauseMs).toBeGreaterThanOrEqual(0);
      // The pages V8 grew into while listing are handed back: without the collection RSS stays at
      // its high-water mark (docs/performance.md, "At scale"; the run below records it).
      expect(memory.rss).toBeLessThanOrEqual(0.9 * memory.hwm);
      expect(guard.logs(RETURNED)).toHaveLength(1);
    } finally {
      await guard.stop();
    }
  });

  it('without --expose-gc: no collection, and the guard serves as before', async () => {
    const guard = await listedGuard([]);
    try {
      expect(guard.logs(RETURNED)).toHaveLength(0);
      record('list-memory-without-collection', { pvs: PVS, ...memoryKb(guard.child.pid!) });
    } finally {
      await guard.stop();
    }
  });
});
