// Claims of docs/*.md that no other doc test holds to the code: what the page says the rendered
// install does, and that an example's input, as the page describes it, gives the output it shows.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { cli } from '../support/cli.js';
import { VAPS } from '../vap/support/agreement.js';
import { admit } from '../vap/support/vap-eval.js';

const ROOT = join(import.meta.dirname, '../..');
const doc = (name: string) => readFileSync(join(ROOT, 'docs', name), 'utf8');

describe('docs/reliability.md', () => {
  it("what it says of deploy/base's --shutdown-delay is what render prints", async () => {
    const rendered = await cli(['render']);
    expect(rendered.code).toBe(0);
    const deployment = YAML.parseAllDocuments(rendered.stdout)
      .map(
        (d) =>
          d.toJS() as { kind?: string; spec?: { template: { spec: { containers: { args?: string[] }[] } } } },
      )
      .find((o) => o?.kind === 'Deployment');
    const args = deployment?.spec?.template.spec.containers[0]?.args ?? [];
    const delay = args.find((a) => a.startsWith('--shutdown-delay='));
    // The page's word on it, whitespace folded: either "does not pass" or the flag it passes.
    const page = doc('reliability.md').replace(/\s+/g, ' ');
    const saysNone = page.includes('`deploy/base` does not pass `--shutdown-delay`');
    const saysFlag = /`deploy\/base`[^.]* passes `(--shutdown-delay=\d+)`/.exec(page)?.[1];
    expect({ saysNone, saysFlag }).toEqual({ saysNone: delay === undefined, saysFlag: delay });
  });
});

describe('docs/vap.md', () => {
  it('the claim its example labels as the comment says is denied by the claim policy with the shown message', () => {
    const page = doc('vap.md');
    const command = page.split('\n').find((l) => l.startsWith('$ kubectl apply -f bad-shape.yaml'));
    const comment = /# PVC (\S+), labelled (.+)$/.exec(command ?? '');
    expect(comment).not.toBeNull();
    const labels = Object.fromEntries(
      comment![2]!.split(/,\s*/).map((pair) => pair.split(/:\s*/).map((s) => s.trim()) as [string, string]),
    );
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: comment![1]!, namespace: 'ais', labels },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    const policy = VAPS.find((p) => p.metadata.name === 'ais-guard-target-claim');
    const verdict = admit(policy, { operation: 'CREATE', object: claim });
    const shown = /denied request: (.+)$/m.exec(page)?.[1];
    expect({ errors: verdict.errors, messages: verdict.failures.map((f) => f.message) }).toEqual({
      errors: [],
      messages: [shown],
    });
  });
});

describe('docs/deploy.md', () => {
  it("the 'Which requests reach the guard' row for the mutating webhooks names the AIStore UPDATE render sends them", async () => {
    const rendered = await cli(['render']);
    const mutating = YAML.parseAllDocuments(rendered.stdout)
      .map((d) => d.toJS() as { kind?: string; webhooks?: { rules: { operations: string[] }[] }[] })
      .find((o) => o?.kind === 'MutatingWebhookConfiguration');
    const takesUpdate = (mutating?.webhooks ?? []).some((w) =>
      w.rules.some((r) => r.operations.includes('UPDATE')),
    );
    const row = doc('deploy.md')
      .split('\n')
      .find((l) => l.startsWith('| mutating (all 3)'));
    expect({ takesUpdate, rowSaysUpdate: /UPDATE/.test(row ?? '') }).toEqual({
      takesUpdate: true,
      rowSaysUpdate: true,
    });
  });
});
