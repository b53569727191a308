// Review "fix26": `check --fix` of a List of many claims takes time quadratic in the List's size.
//
// Defect: fix.ts fixDocument applies a document's patches one operation at a time, and
// yaml-edit.ts applyOperation parses the WHOLE document again for each operation (parseDocument +
// goYamlErrors over all of it). A `kind: List` is one document holding every object (the form of
// `kubectl get pvc -n ais -o yaml`, and of many repositories' generated files), so a List of N
// claims that each get spec.volumeName (target-disk-binding, as the webhook would bind them) costs
// N parses of an N-item document. Measured on the 2-core review machine: 200 claims (+200 PVs, one
// CR) check 1.4 s / --fix 6.5 s; 400 claims check 2.6 s / --fix 43 s; an AIStore cluster of 100
// targets with 10 mounts each (1,000 claims) runs for minutes. README: "Hostile input is bounded
// and reported, never a hang", and `check` itself reads 100,000 documents in seconds.
// Expected: --fix costs about what check costs: each op's edit found from one parse of the
// document (edits applied from the last position back), or each List item edited in its own
// slice, as the file's documents already are.
// Suggested fix: fix.ts fixDocument: for a List, fix each item's text range (its node range) as
// its own text with paths relative to the item; or yaml-edit.ts: take a parsed Document and
// return the splice, applying a document's operations in reverse text order.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aistore } from '../support/builders.js';
import { runCli } from './support/cli.js';

const N = 400;

function cluster(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-fix26-list-'));
  writeFileSync(
    join(dir, '01-cr.yaml'),
    `apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata: {name: ais, namespace: ais}
spec:
  nodeImage: docker.io/aistorage/aisnode:v3.30
  initImage: docker.io/aistorage/ais-init:v3.30
  stateStorage: {hostPath: {prefix: /etc/ais}}
  proxySpec: {size: 1, servicePort: 51080, portPublic: 51080, portIntraControl: 51082, portIntraData: 51083}
  targetSpec:
    size: ${N}
    disablePodAntiAffinity: true
    servicePort: 51081
    portPublic: 51081
    portIntraControl: 51082
    portIntraData: 51083
    mounts:
      - path: /data/aistore
        size: 5Ti
        storageClass: ais-local-storage
`,
  );
  const pvs = ['apiVersion: v1\nkind: List\nitems:'];
  const pvcs = ['apiVersion: v1\nkind: List\nitems:'];
  for (let i = 0; i < N; i++) {
    const node = `node-${String(Math.floor(i / 2)).padStart(3, '0')}`;
    pvs.push(`- apiVersion: v1
  kind: PersistentVolume
  metadata: {name: pv-${i}, labels: {type: local}}
  spec:
    capacity: {storage: 5Ti}
    accessModes: [ReadWriteOnce]
    storageClassName: ais-local-storage
    local: {path: /ais/sd${i}}
    claimRef: {namespace: ais, name: ais-data-aistore-ais-target-${i}}
    nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [${node}]}]}]}}`);
    pvcs.push(`- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata:
    name: ais-data-aistore-ais-target-${i}
    namespace: ais
  spec:
    accessModes: [ReadWriteOnce]
    storageClassName: ais-local-storage
    resources:
      requests:
        storage: 5Ti`);
  }
  writeFileSync(join(dir, '02-pv.yaml'), pvs.join('\n') + '\n');
  writeFileSync(join(dir, '03-pvc.yaml'), pvcs.join('\n') + '\n');
  return dir;
}

const timed = (args: string[]) => {
  const start = process.hrtime.bigint();
  const run = runCli(args, { maxBuffer: 64 << 20 });
  return { run, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
};

describe('check --fix of a List of 400 claims', () => {
  it('costs about what check costs, not minutes', () => {
    const dir = cluster();
    // Check's own time in this run is the measure, not a wall clock (the CI machine is a busy
    // 2-core box): each run twice, alternating, and the faster of each pair compared, so one
    // stall of the machine does not decide it.
    const checks: number[] = [];
    const fixes: number[] = [];
    for (let round = 0; round < 2; round++) {
      const check = timed(['check', '-q', dir]);
      expect(check.run.status).toBe(0);
      checks.push(check.seconds);
      const fix = timed(['check', '-q', '--fix', dir]);
      expect(fix.run.status).toBe(0);
      expect(fix.run.stdout.match(/volumeName: ais-data|volumeName: pv-/g)?.length).toBe(N);
      fixes.push(fix.seconds);
    }
    // On main: check 2.6 s, --fix 43 s (16x). Fixed: about 2x (--fix judges the input, then
    // its output again, and edits each claim once).
    expect(Math.min(...fixes)).toBeLessThan(4 * Math.min(...checks));
  }, 180_000);
});

// The same for a JSON List (`kubectl get aistores -A -o json`, and its `jq -c` form on one line):
// fix.ts checked each edit with the YAML readings of the whole value, four parses of a syntax tree
// of ~45 MB per MB, and a List on one line had no item on a line of its own, so it was edited
// operation by operation over the whole value. 3,000 CRs took 35 s and 635 MB against check's
// 2.6 s; 10,000, 72 s and 2.6 GB. Now fix-json.ts edits each item alone and reads the result with
// JSON.parse (3,000: 2.7 s, 165 MB).
describe('check --fix of a JSON List of 1,500 AIStore CRs', () => {
  const M = 1500;
  // With the removed top-level field, which the mutation drops (legacy-anti-affinity-field).
  const crs = Array.from({ length: M }, (_, i) =>
    aistore({ name: `ais-${i}`, namespace: `ns-${i}`, disable: true, legacyDisable: true }),
  );
  const list = { apiVersion: 'v1', kind: 'List', items: crs };

  it.each([
    ['pretty, as kubectl prints it', JSON.stringify(list, null, 4) + '\n'],
    ['on one line, as jq -c prints it', JSON.stringify(list) + '\n'],
  ])(
    '%s: costs about what check costs, and drops every legacy field',
    (_, text) => {
      const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-fix54-json-')), 'aistores.json');
      writeFileSync(file, text);
      const checks: number[] = [];
      const fixes: number[] = [];
      for (let round = 0; round < 2; round++) {
        const check = timed(['check', '-q', file]);
        expect(check.run.status).toBe(0);
        checks.push(check.seconds);
        const fix = timed(['check', '-q', '--fix', file]);
        expect(fix.run.status).toBe(0);
        const fixed = JSON.parse(fix.run.stdout) as typeof list;
        expect(fixed.items.filter((cr) => 'disablePodAntiAffinity' in (cr.spec as object))).toHaveLength(0);
        expect(fixed.items).toHaveLength(M);
        fixes.push(fix.seconds);
      }
      expect(Math.min(...fixes)).toBeLessThan(4 * Math.min(...checks));
    },
    180_000,
  );
});
