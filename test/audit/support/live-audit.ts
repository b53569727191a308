// A live cluster as the apiserver stores it after the PV controller bound the target claims, and
// `ais-guard audit -o json` against it through the CLI: shared by audit/review-plan23 and
// review-audit26/pending-pod.
import type { KubeObject } from '../../../src/policy/index.js';
import { claimName, pvc } from '../../support/builders.js';
import { cli } from '../../support/cli.js';
import type { FakeCluster } from './fake-cluster.js';

/** The object with the uid the apiserver gives every stored object. */
export const withUid = (o: KubeObject, uid: string): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, uid } as KubeObject['metadata'],
});

/** Target `ordinal`'s claim, bound to `volumeName` (pv_controller bind: spec.volumeName, Bound). */
export const boundClaim = (ordinal: number, volumeName: string): KubeObject => ({
  ...withUid(pvc(claimName(ordinal), { volumeName }), `claim-uid-${ordinal}`),
  status: { phase: 'Bound' },
});

/** A pre-bound PV once bound: its claimRef gets the claim's uid, both Bound. */
export const boundPV = (o: KubeObject, ordinal: number): KubeObject => {
  const copy = structuredClone(o) as KubeObject & { spec: { claimRef: Record<string, unknown> } };
  copy.spec.claimRef.uid = `claim-uid-${ordinal}`;
  return { ...withUid(copy, `pv-uid-${ordinal}`), status: { phase: 'Bound' } };
};

export interface AuditReport {
  summary: { warned: number };
  objects: { kind: string; name: string; results: { rule: string; result: string; message: string }[] }[];
}

/**
 * `ais-guard audit --kubeconfig FILE -o json` against `cluster`; `warned(kind)` lists every result
 * but a pass of the objects of that kind, as `name rule: message`.
 */
export async function auditJson(cluster: FakeCluster) {
  const r = await cli(['audit', '--kubeconfig', cluster.kubeConfigFile(), '-o', 'json']);
  const report = JSON.parse(r.stdout) as AuditReport;
  const warned = (kind: string) =>
    report.objects
      .filter((o) => o.kind === kind)
      .flatMap((o) =>
        o.results.filter((x) => x.result !== 'pass').map((x) => `${o.name} ${x.rule}: ${x.message}`),
      );
  return { r, report, warned };
}
