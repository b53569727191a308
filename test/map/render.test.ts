// `ais-guard render --map`: the shape of the MutatingAdmissionPolicies and their bindings, as the
// admissionregistration.k8s.io/v1 API (Kubernetes 1.36) takes them. Their behaviour is agreement.test.ts's.
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { main } from '../../src/cli/main.js';
import { mutatingPolicies, mutationCoverage } from '../../src/map/index.js';
import { captureIo } from '../tls/support.js';

async function render(...argv: string[]) {
  const io = captureIo();
  const code = await main(['render', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

interface Policy {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    failurePolicy: string;
    reinvocationPolicy: string;
    matchConstraints: { resourceRules: { operations: string[] }[] };
    matchConditions?: unknown[];
    variables: { name: string; expression: string }[];
    mutations: { patchType: string; jsonPatch: { expression: string } }[];
    policyName?: string;
  };
}

describe('ais-guard render --map', () => {
  it('prints each policy and its binding, in admissionregistration.k8s.io/v1, and parses as YAML 1.1', async () => {
    const { code, out, err } = await render('--map');
    expect([code, err]).toEqual([0, '']);
    const docs = YAML.parseAllDocuments(out, { version: '1.1' }).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as Policy;
    });
    expect(docs).toEqual(JSON.parse(JSON.stringify(mutatingPolicies())));
    expect(docs.map((d) => `${d.apiVersion} ${d.kind}/${d.metadata.name}`)).toEqual([
      'admissionregistration.k8s.io/v1 MutatingAdmissionPolicy/ais-guard-aistore-mutate',
      'admissionregistration.k8s.io/v1 MutatingAdmissionPolicy/ais-guard-target-pod-mutate',
      'admissionregistration.k8s.io/v1 MutatingAdmissionPolicyBinding/ais-guard-aistore-mutate',
      'admissionregistration.k8s.io/v1 MutatingAdmissionPolicyBinding/ais-guard-target-pod-mutate',
    ]);
    for (const b of docs.filter((d) => d.kind === 'MutatingAdmissionPolicyBinding'))
      expect(b.spec).toEqual({ policyName: b.metadata.name });
  });

  it('mutates on CREATE (and a CR on UPDATE), never blocks (Ignore), is reinvoked when needed, one JSONPatch per rule', () => {
    const policies = mutatingPolicies().filter((o) => o.kind === 'MutatingAdmissionPolicy') as Policy[];
    const coverage = mutationCoverage();
    for (const [i, p] of policies.entries()) {
      expect(p.spec.failurePolicy).toBe('Ignore');
      expect(p.spec.reinvocationPolicy).toBe('IfNeeded');
      expect(p.spec.matchConstraints.resourceRules.flatMap((r) => r.operations)).toEqual(
        p.metadata.name === 'ais-guard-aistore-mutate' ? ['CREATE', 'UPDATE'] : ['CREATE'],
      );
      expect(p.spec.mutations.map((m) => m.patchType)).toEqual(coverage[i]!.rules.map(() => 'JSONPatch'));
      // Variables may use earlier ones only (the API's rule).
      const names = p.spec.variables.map((v) => v.name);
      for (const [j, v] of p.spec.variables.entries()) {
        for (const used of v.expression.matchAll(/variables\.(\w+)/g))
          expect(names.slice(0, j)).toContain(used[1]);
      }
    }
    expect(coverage).toEqual([
      {
        policy: 'ais-guard-aistore-mutate',
        kind: 'AIStore',
        rules: ['legacy-anti-affinity-field', 'anti-affinity-not-disabled', 'anti-affinity-not-disabled'],
      },
      { policy: 'ais-guard-target-pod-mutate', kind: 'Pod', rules: ['target-anti-affinity'] },
    ]);
  });

  it('takes no webhook flags, and not --vap at once', async () => {
    expect(await render('--map', '--vap')).toMatchObject({
      code: 2,
      err: expect.stringContaining('give --vap or --map, not both'),
    });
    expect(await render('--map', '--namespace', 'x')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--map prints the admission policies alone'),
    });
  });
});
