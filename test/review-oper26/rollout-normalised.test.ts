// Review "oper26": rollsTargets (src/policy/rollout.ts targetTemplateInputs) compares some CR fields
// as written, where operator v3.4.0 renders them into the target pod template only after normalising
// them. Two CRs whose fields differ only in that spelling render byte-identical templates, so the
// operator's shouldUpdatePodTemplate (internal/controller/aistore/common.go) finds nothing to roll,
// yet the guard says the update "rolls the targets out". Impact: the ratchet (src/policy/evaluate.ts
// ratchet, `rerun`) keeps an already-so pv-target-binding denial as a deny for a harmless update of
// a cluster whose targets sit on a node tainted since they started, instead of "already so" (warn).
import { describe, expect, it } from '@jest/globals';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, node } from '../support/builders.js';
import { admit } from '../vap/support/vap-eval.js';
import { changed, SIDES } from '../support/sides.js';
import { AISTORE_VAP, denies, ratchet, rolls, withSpec } from '../support/rollout.js';

const CR = aistore({ size: 4, disable: true });
const CSI = withSpec(CR, {
  tls: { certificate: { issuerRef: { name: 'ca', kind: 'ClusterIssuer' }, mode: 'csi' } },
});
const csiCert = (o: KubeObject, cert: Record<string, unknown>) =>
  changed(o, (c) => Object.assign(c.spec.tls.certificate, cert));

const cases: [string, string, KubeObject, KubeObject][] = [
  [
    // cmn/certificate.go buildCertificateSANs: each hostnameMap host goes through certres.AppendHosts,
    // which puts an IP into ipAddresses; getTLSCSIVolumeSource keeps only the DNS names
    // (`dnsNames, _ := buildCertificateSANs(ais, nil)`). A multi-homing hostnameMap of IPs (its
    // documented use) adds nothing to the CSI volume: the template does not change.
    'CSI TLS: hostnameMap of IP addresses gains a node',
    'cmn/volumes.go getTLSCSIVolumeSource drops the IPs buildCertificateSANs returns',
    withSpec(CSI, { hostnameMap: { 'node-1': '10.0.0.1,10.1.0.1' } }),
    withSpec(CSI, { hostnameMap: { 'node-1': '10.0.0.1,10.1.0.1', 'node-2': '10.0.0.2,10.1.0.2' } }),
  ],
  [
    // buildCertificateSANs -> certres.NormalizeSANs: sorted, empty and duplicate names dropped.
    'CSI TLS: additionalDNSNames reordered',
    'certificates/certificate.go NormalizeSANs sorts the DNS names',
    csiCert(CSI, { additionalDNSNames: ['a.example.com', 'b.example.com'] }),
    csiCert(CSI, { additionalDNSNames: ['b.example.com', 'a.example.com'] }),
  ],
  [
    'CSI TLS: additionalDNSNames with a duplicate',
    'certificates/certificate.go NormalizeSANs compacts duplicates',
    csiCert(CSI, { additionalDNSNames: ['a.example.com'] }),
    csiCert(CSI, { additionalDNSNames: ['a.example.com', 'a.example.com'] }),
  ],
  [
    // certificates/csi.go ToVolumeAttributes writes config.Duration.Duration.String(): "1h0m0s" for both.
    'CSI TLS: duration 2160h written as 129600m',
    'certificates/csi.go ToVolumeAttributes writes Duration.String()',
    csiCert(CSI, { duration: '2160h' }),
    csiCert(CSI, { duration: '129600m' }),
  ],
  [
    // cmn/volumes.go StateHostPath: path.Join(prefix, ns, name, "target") cleans the trailing "/".
    'stateStorage.hostPath.prefix /etc/ais -> /etc/ais/',
    'cmn/volumes.go StateHostPath joins the prefix with path.Join',
    withSpec(CR, { stateStorage: { hostPath: { prefix: '/etc/ais' } } }),
    withSpec(CR, { stateStorage: { hostPath: { prefix: '/etc/ais/' } } }),
  ],
  [
    // cmn/volumes.go newLogsVolume: path.Join(LogsDirectory, ns, name, daeType).
    'logsDir /var/log/ais -> /var/log/ais/',
    'cmn/volumes.go newLogsVolume joins logsDir with path.Join',
    withSpec(CR, { logsDir: '/var/log/ais' }),
    withSpec(CR, { logsDir: '/var/log/ais/' }),
  ],
];

describe('review oper26: rollsTargets compares as written what the operator normalises', () => {
  for (const [what, why, stored, next] of cases) {
    it(`rollsTargets is false: ${what} (${why})`, () => expect(rolls(stored, next)).toBe(false));
    it.each(SIDES)(`[%s] ratchet: ${what} with node-1 tainted is not refused as a rollout`, (_, side) => {
      const ev = ratchet(side, stored, next);
      expect(denies(ev).join('\n')).not.toMatch(/pv-target-binding/);
    });
  }
});

// The other direction of the same gap: target-host-port (src/policy/rules/target-host-port.ts
// podDnsNames) takes a switch to publicNetDNSMode Pod as applied to the running targets when the update
// "rolls the targets out". One target, hostPort 0, anti-affinity off, pinned to node-1, DNS mode IP:
// scaling to 2 with the switch to Pod is refused ("duplicate IPs": the targets keep the IP mode's
// AIS_PUBLIC_HOSTNAME from the node, as the operator rolls out no init-container env change alone,
// common.go shouldUpdateInitContainers). Adding a trailing "/" to the state hostPath prefix renders the
// same template (StateHostPath: path.Join), so the operator still does not roll the targets and the
// second target on node-1 advertises node-1's address too; the guard admits it.
describe('review oper26: a non-rollout taken for one lets a Pod-mode switch + scale-out through', () => {
  const LIVE_IP = withSpec(
    aistore({ size: 1, disable: true, hostPort: 0, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }),
    { stateStorage: { hostPath: { prefix: '/etc/ais' } } },
  );
  const podSwitch = (prefix: string) =>
    changed(LIVE_IP, (c) => {
      c.spec.targetSpec.size = 2;
      c.spec.publicNetDNSMode = 'Pod';
      c.spec.stateStorage = { hostPath: { prefix } };
    });
  const NODES3 = [node('node-1'), node('node-2'), node('node-3')];
  const hostPortDenies = (side: (o: KubeObject) => KubeObject, next: KubeObject) =>
    evaluate(
      { operation: 'UPDATE', object: next, oldObject: LIVE_IP },
      new ClusterContext([...NODES3, LIVE_IP].map(side)),
    )
      .findings.filter((f) => f.action === 'deny' && f.ruleId === 'target-host-port')
      .map((f) => f.message);
  it.each(SIDES)('[%s] control: the switch + scale-out alone is refused', (_, side) => {
    expect(hostPortDenies(side, podSwitch('/etc/ais'))).toHaveLength(1);
  });
  it.each(SIDES)('[%s] with the prefix respelt /etc/ais/ it is refused the same', (_, side) => {
    expect(hostPortDenies(side, podSwitch('/etc/ais/'))).toHaveLength(1);
  });
  const vapRules = (next: KubeObject) =>
    AISTORE_VAP.flatMap(
      (p) => admit(p, { operation: 'UPDATE', object: next, oldObject: LIVE_IP }).failures,
    ).map((f) => f.rule);
  it('VAP control: the switch + scale-out alone is refused', () =>
    expect(vapRules(podSwitch('/etc/ais'))).toContain('target-host-port'));
  // The VAP compares spec.stateStorage as written (ROLLING_FIELDS): to it the respelt prefix is a
  // rollout, so it admits the switch the webhook refuses. That is its documented coarser rollout model
  // (docs/vap.md, "A third"), more permissive than the webhook, never stricter: the webhook denies it.
  it('VAP: with the prefix respelt /etc/ais/ it is admitted (coarser rollout model; the webhook refuses)', () =>
    expect(vapRules(podSwitch('/etc/ais/'))).not.toContain('target-host-port'));
});
