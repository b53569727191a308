// Outside review "fields": the AIStore CR's fields as the v3.4.0 operator turns them into the target
// StatefulSet, its pods and services (operator api/aistore/v1beta1/aistore_types.go,
// internal/resources/aistore/target/*.go, cmn/*.go), against the guard's verdicts. Each test fails
// on the branch point and passes once the product is fixed.
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node } from '../support/builders.js';
import { cli } from '../support/cli.js';
import { changed, judgeUpdate, messages, SIDES } from '../support/sides.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NODES3 = [node('node-1'), node('node-2'), node('node-3')];
const createIn = (object: KubeObject, world: KubeObject[], nodeCount?: number) =>
  evaluate(
    { operation: 'CREATE', object },
    new ClusterContext([...world, object], nodeCount === undefined ? undefined : { nodeCount }),
  );

/** Required node affinity that lets the targets run on node-1 only. */
const PIN_NODE_1 = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] },
      ],
    },
  },
};

describe('review fields: a required node affinity that pins one host, with the node count only', () => {
  // MEDIUM. A CR with size 2, anti-affinity unset, and targetSpec.affinity.nodeAffinity required
  // `kubernetes.io/hostname In [node-1]`. The operator copies that affinity onto the target pods and,
  // since it has no podAntiAffinity, adds its own required hostname anti-affinity between targets
  // (operator internal/resources/aistore/target/statefulset.go createTargetAffinity ->
  // cmn/res.go CreateAISAffinity / createPodAntiAffinity). So both targets may only use node-1 and
  // may not share it: target-1 stays Pending forever ("didn't match pod anti-affinity rules").
  // The webhook (Node objects in its cache) sees it: 'more-targets-than-nodes', mutation to
  // disablePodAntiAffinity: true. The same pin written as nodeSelector is seen by `check --nodes 3`
  // too ('node-selector-one-host'). But `check --nodes 3` on the affinity pin takes the 3 nodes as
  // all usable (context.ts schedulableNodeCount returns options.nodeCount whatever the placement;
  // layout.ts detectLayout only looks for a hostname in nodeSelector): "0 with warnings, 0 the guard
  // would change", exit 0 — a clean verdict for a CR whose second target never starts, and one that
  // the webhook then patches differently. Expected: a one-hostname pin in the required node affinity
  // (every term `kubernetes.io/hostname In [one node]`) counts as one usable node, as nodeSelector does.
  it('evaluate with --nodes 3 mutates/warns as it does with the Node objects', () => {
    const cr = aistore({ size: 2, affinity: PIN_NODE_1 });
    const withNodes = createIn(cr, NODES3);
    expect(withNodes.findings.map((f) => f.ruleId)).toContain('anti-affinity-not-disabled'); // holds today
    const withCount = createIn(cr, [], 3);
    expect(messages(withCount).join('\n')).toMatch(/anti-affinity/);
    expect(withCount.findings.map((f) => f.ruleId)).toContain('anti-affinity-not-disabled');
  });

  it('`check --nodes 3` on the CR is not a clean pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-fields-'));
    const file = join(dir, 'ais.json');
    writeFileSync(file, JSON.stringify(aistore({ size: 2, affinity: PIN_NODE_1 })));
    const r = await cli(['check', '--nodes', '3', file]);
    expect(r.stdout).not.toMatch(/0 with warnings, 0 the guard would change/);
    expect(r.stdout).toMatch(/anti-affinity-not-disabled/);
  });
});

describe.each(SIDES)('review fields: CR names the operator cannot render (%s)', (_side, side) => {
  const create = (cr: KubeObject) =>
    evaluate({ operation: 'CREATE', object: cr }, new ClusterContext([...NODES3.map(side), cr]));
  // A multi-target CR the guard otherwise admits: 2 targets pinned to node-1, anti-affinity off.
  const crNamed = (name: string) =>
    aistore({
      name,
      size: 2,
      disable: true,
      nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
      mounts: [{ path: '/d', size: '1Ti', storageClass: 'ais-local-storage' }],
    });

  // MEDIUM. The guard holds the names the operator derives from the CR name to Kubernetes' limits
  // only where they are claim templates (mount-template-name: <cr><path> and <ns>-<cr>-state, "so
  // Kubernetes refuses them all"). The target StatefulSet is <cr>-target (operator
  // internal/resources/aistore/target/statefulset.go statefulSetName) and every pod the StatefulSet
  // controller makes carries label controller-revision-hash: <statefulset>-<hash of up to 10 chars>
  // (k8s pkg/controller/history ControllerRevisionName; kubernetes/kubernetes#64023, still open), a
  // label value held to 63 characters. A 50-character CR name makes a 57-character StatefulSet name
  // and a revision label of ~68: "Pod ... is invalid: metadata.labels: Invalid value: ...: must be
  // no more than 63 characters"; no target (nor proxy, <cr>-proxy) is ever created. The guard admits
  // the CR silently (its template "<cr>-d" is 52 characters). Expected: deny, as for the state
  // claim template, naming the limit (a CR name of at most 45 characters).
  it('a 50-character CR name (target StatefulSet name over 52 characters) is refused', () => {
    const ev = create(crNamed('a'.repeat(50)));
    expect(ev.allowed).toBe(false);
  });

  // MEDIUM. The operator names the targets' headless Service <cr>-target (operator
  // internal/resources/aistore/target/services.go headlessSVCName; proxy/services.go likewise) and a
  // Service name must be a DNS-1035 label, starting with a letter. A CR name is a DNS subdomain, so
  // "1ais" is accepted by the apiserver and by the operator's webhook (aistore_validation.go
  // ValidateSpec checks no name), but the operator's reconcile fails at its first Service, 1ais-proxy
  // (internal/controller/aistore/proxy_controller.go ensureProxyPrereqs, before any StatefulSet; then
  // 1ais-target): ("a DNS-1035 label must ... start with an alphabetic character") and the cluster never comes up.
  // The guard admits it silently. Expected: deny (the CR name must start with a letter).
  it('a CR name starting with a digit (no valid Service name) is refused', () => {
    const ev = create(crNamed('1ais'));
    expect(ev.allowed).toBe(false);
  });
});

describe.each(SIDES)('review fields: hostPort 0 with publicNetDNSMode: Pod (%s)', (_side, side) => {
  // LOW-MEDIUM (false deny). target-host-port refuses targetSpec.hostPort: 0 in a multi-target layout
  // because "a hostPort at all makes the operator give each target its node's address as public
  // hostname". The operator does set AIS_PUBLIC_HOSTNAME from status.hostIP for any non-nil hostPort
  // (operator internal/resources/aistore/target/statefulset.go NewInitContainerEnv), but it also
  // passes spec.publicNetDNSMode to the init container as AIS_PUBLIC_DNS_MODE (cmn/env.go
  // CommonInitEnv), and with mode Pod the init container ignores AIS_PUBLIC_HOSTNAME and makes the
  // public hostname the pod's own DNS name, <pod>.<service>.<ns>.svc.<domain> (NVIDIA/aistore
  // cmd/aisinit/main.go main: `case env.PubNetDNSModePod: localConf.HostNet.Hostname = podDNS`;
  // the operator's own publicHostsForNodes returns no node hosts for Pod mode either). hostPort 0
  // asks the scheduler for no host port. So two targets on one node advertise two different names:
  // no "duplicate IPs", no port clash, and the CR deploys fine several targets per node. The guard
  // refuses it. Expected: allowed (hostPort 0 is harmless once publicNetDNSMode is Pod, as it is with
  // external access).
  it('a multi-target CR with hostPort 0 and publicNetDNSMode: Pod is admitted', () => {
    const cr = aistore({
      size: 2,
      disable: true,
      hostPort: 0,
      nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
    }) as KubeObject & { spec: Record<string, unknown> };
    cr.spec.publicNetDNSMode = 'Pod';
    const ev = evaluate({ operation: 'CREATE', object: cr }, new ClusterContext([...NODES3.map(side), cr]));
    expect(messages(ev).join('\n')).not.toMatch(/target-host-port/);
    expect(ev.allowed).toBe(true);
  });
});

describe.each(SIDES)(
  'review fields: hostPort 0 with publicNetDNSMode: Pod, scale-out (%s)',
  (_side, side) => {
    // Same cause as above, on a live cluster: a one-target CR created with anti-affinity off,
    // hostPort 0 and publicNetDNSMode: Pod (admitted with a warning) is scaled to 2 targets on its one
    // pinned node. Every target advertises its own pod DNS name (aisinit main, Pod mode), so the
    // scale-out works; hostPort is fixed at creation (operator aistore_webhook.go validateTargetUpdate),
    // so the guard's deny leaves the user no way to grow the cluster but a new CR. Expected: allowed.
    it('scaling 1 -> 2 targets on one node is admitted', () => {
      const old = aistore({
        size: 1,
        disable: true,
        hostPort: 0,
        nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
      }) as KubeObject & { spec: Record<string, unknown> };
      old.spec.publicNetDNSMode = 'Pod';
      const next = changed(old, (c) => (c.spec.targetSpec.size = 2));
      const ev = judgeUpdate(side, old, next, NODES3);
      expect(messages(ev).join('\n')).not.toMatch(/target-host-port deny/);
      expect(ev.allowed).toBe(true);
    });
  },
);

describe.each(SIDES)('review fields: nested mount paths (%s)', (_side, side) => {
  // MEDIUM (false allow: no target ever starts). mount-path-unique refuses two mounts on one
  // directory but not one mount inside another. The operator writes every mount path into the
  // target's local config as an AIStore mountpath (operator internal/resources/aistore/target/
  // configmap.go definePathsWithLabels: conf.FSP.Paths[m.Path]), and aisnode refuses nested
  // mountpaths when it loads that config (NVIDIA/aistore cmn/config.go FSPConf.Validate ->
  // IsNestedMpath: "mountpath nesting is not permitted: \"/ais/disk1\" contains \"/ais\""), for a
  // target, outside the testing environment. Kubernetes itself mounts nested volumes happily, so the
  // StatefulSet and pods are created, bind their PVs, and every target crash-loops at startup.
  // The guard admits the CR silently. Expected: deny, as for two mounts on one directory.
  it('mounts /ais and /ais/disk1 are refused', () => {
    const cr = aistore({
      size: 2,
      disable: true,
      nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
      mounts: [
        { path: '/ais', size: '1Ti', storageClass: 'ais-local-storage' },
        { path: '/ais/disk1', size: '1Ti', storageClass: 'ais-local-storage' },
      ],
    });
    const ev = evaluate({ operation: 'CREATE', object: cr }, new ClusterContext([...NODES3.map(side), cr]));
    expect(ev.allowed).toBe(false);
  });
});
