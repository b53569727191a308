// Review audit26: a live AIStore CR whose name the operator cannot deploy, judged by `audit`.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/policy/index.js';
import { cli } from '../support/cli.js';
import { FakeCluster } from '../audit/support/fake-cluster.js';
import { objectsOf, withUid } from '../audit/support/proxied.js';

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

const renamed = (o: KubeObject, name: string): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, name } as KubeObject['metadata'],
});

interface JsonReport {
  objects: { kind: string; name: string; results: { rule: string; result: string }[] }[];
}

describe('review audit26: a live CR named so that the operator cannot deploy it', () => {
  // What is wrong: src/policy/rules/cr-name.ts returns at once unless the operation is CREATE ("a live
  // CR cannot be renamed"), and audit judges a live CR as the UPDATE from itself (src/cli/judge.ts,
  // live). src/audit/results.ts resultsOf then adds a PASS for every rule of the role that found
  // nothing, so the report says "cr-name: pass — AIStore CR name the operator can deploy" for a CR
  // named "ais.prod" or "1ais" (the operator's Services ais.prod-proxy / 1ais-target are refused: a
  // Service name is a DNS-1035 label, apimachinery validation.IsDNS1035Label) or 60 characters long
  // (kubernetes/kubernetes#64023: the StatefulSet controller's controller-revision-hash label would be
  // over 63, so no target pod is ever created). `check` on the same object denies it (fail, exit 1).
  // docs/audit.md: audit answers "what is already in the cluster that breaks the rules? — objects
  // created before the guard was installed", a live CR is judged "without excusing what it already
  // breaks as 'already so'", and "every other rule that applies to the object is a pass, so a report
  // also says what was checked" — here the report says it checked and found the name fine.
  // Right: a live CR whose name breaks cr-name gets a fail (or at least a warn with "create the CR
  // anew"), never a pass; with nothing else wrong, the run is not a clean exit 0 that says "passing".
  for (const name of ['ais.prod', '1ais', 'a'.repeat(60)])
    it(`a live CR named ${name.length > 20 ? `${name.length} characters` : `"${name}"`}: cr-name is not a pass`, async () => {
      const objects = [renamed(objectsOf('01')[0]!, name)].map(withUid);
      cluster = await FakeCluster.start(objects);
      const dir = mkdtempSync(join(tmpdir(), 'ais-guard-review-audit26-'));
      writeFileSync(join(dir, 'kubeconfig'), cluster.kubeConfigYaml());
      writeFileSync(join(dir, 'cr.json'), JSON.stringify(objects[0]));
      const checked = await cli(['check', join(dir, 'cr.json'), '-o', 'json']);
      expect(checked.code).toBe(1); // check denies it: cr-name
      const r = await cli(['audit', '--kubeconfig', join(dir, 'kubeconfig'), '-o', 'json']);
      const report = JSON.parse(r.stdout) as JsonReport;
      const cr = report.objects.find((o) => o.kind === 'AIStore');
      const verdict = cr?.results.find((x) => x.rule === 'cr-name')?.result;
      expect(verdict).not.toBe('pass');
      expect(['fail', 'warn']).toContain(verdict);
    });
});
