// Review checkfix34: with -n, the same object twice is not refused when one copy names the
// namespace and the other names none.
//
// README: "The same object twice (kind, namespace, name) is an input error naming both places, since
// the verdict would otherwise depend on argument order", and with -n an object that names no
// namespace is in NS, as `kubectl apply -n` puts it. judge.ts duplicates() compared the objects as
// written, before -n gave the second one its namespace: a claim written with `namespace: ais-prod` in
// one file and without in another (a kustomize base beside a rendered copy) was judged twice, as two
// objects, and the context kept whichever came last. Expected: an input error naming both places,
// exit 2, as for two copies that both name the namespace.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from '../support/cli.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CR = readFileSync(join(ROOT, 'examples', 'ais-prod.yaml'), 'utf8').split('\n---\n')[0]!;
const claim = (namespace: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ais-data-aistore-ais-target-0
${namespace}spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ais-local-storage
  resources: {requests: {storage: 5Ti}}
`;

function files(second: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ais-guard-checkfix34-dup-'));
  writeFileSync(join(dir, 'cr.yaml'), CR + '\n');
  writeFileSync(join(dir, 'a.yaml'), claim('  namespace: ais-prod\n'));
  writeFileSync(join(dir, 'b.yaml'), second);
  return ['cr.yaml', 'a.yaml', 'b.yaml'].map((f) => join(dir, f));
}

describe('review checkfix34: check -n and the same object twice', () => {
  it('control: both copies name the namespace: an input error, exit 2', async () => {
    const run = await cli(['check', '-n', 'ais-prod', ...files(claim('  namespace: ais-prod\n'))]);
    expect(run.stdout).toMatch(
      /b\.yaml:1: error: PersistentVolumeClaim .*is given twice: also at .*a\.yaml:1/,
    );
    expect(run.code).toBe(2);
  });

  it('one copy names none, which -n puts in the same namespace: the same error, exit 2', async () => {
    const run = await cli(['check', '-n', 'ais-prod', ...files(claim(''))]);
    expect(run.stdout).toMatch(
      /b\.yaml:1: error: PersistentVolumeClaim .*is given twice: also at .*a\.yaml:1/,
    );
    expect(run.code).toBe(2);
  });

  it('without -n the namespace-less copy is no duplicate (it goes to the context namespace)', async () => {
    const run = await cli(['check', ...files(claim(''))]);
    expect(run.stdout).not.toMatch(/given twice/);
  });
});
