// Review "roll22" (branch review-roll22): be404c7's rollsTargets (src/policy/aistore.ts ROLLING_FIELDS +
// annotates) and its CEL twin (src/vap/policies.ts rollsTargets) attacked against operator v3.4.0
// (/work/shared/ais-k8s/operator). Whether an AIStore UPDATE re-creates the target pods is decided by
// internal/controller/aistore/common.go shouldUpdatePodTemplate on the template that
// internal/resources/aistore/target/statefulset.go NewTargetSS renders from the new CR, against the
// template rendered from the stored one. Each case fails on be404c7 and passes once the product is fixed.
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding: objects patched field by field */
import { describe, expect, it } from '@jest/globals';
import { type KubeObject } from '../../src/policy/index.js';
import { aistore, node } from '../support/builders.js';
import { changed, judgeUpdate, messages, SIDES } from '../support/sides.js';
import { admit } from '../vap/support/vap-eval.js';
import { AISTORE_VAP, denies, ratchet, rolls, withSpec } from '../support/rollout.js';

// ---------------------------------------------------------------------------------------------------
// Under-detection: CR fields outside ROLLING_FIELDS whose change DOES roll the targets. Impact: the
// ratchet (pv-target-binding) admits an update that brings every target whose disks sit on a node that
// no longer admits them back Pending ("already so before this update" warn only), and target-host-port
// refuses a switch to publicNetDNSMode Pod + scale-out that rides the rollout (webhook and VAP).
// ---------------------------------------------------------------------------------------------------

describe('under-detection: state storage (cmn/volumes.go NewAISVolumes state-mount)', () => {
  // DEFECT (false allow). The state volume "state-mount" of the target template is rendered from
  // spec.stateStorage (hostPath: a hostPath volume at <prefix>/<ns>/<name>/target; emptyDir: an
  // emptyDir) or the legacy spec.hostpathPrefix (api/aistore/v1beta1/aistore_types.go
  // StateStorageHostPathPrefix, UsesStateEmptyDir; cmn/volumes.go NewAISVolumes, StateHostPath).
  // shouldUpdateVolumes compares every volume with equality.Semantic.DeepEqual (common.go), so a new
  // prefix, or hostPath -> emptyDir, rolls every target. The operator's webhook lets it change:
  // validateStateStorageUpdate refuses only a move TO a PVC class ("we can migrate to and from other
  // storage methods"), and stateStorage is no targetSpec field. None of stateStorage, hostpathPrefix,
  // stateStorageClass is in ROLLING_FIELDS.
  // Expected: rollsTargets true; the ratchet refuses the update as it refuses an image bump.
  const HP = withSpec(aistore({ size: 4, disable: true }), {
    stateStorage: { hostPath: { prefix: '/etc/ais' } },
  });
  const edits: [string, KubeObject, KubeObject][] = [
    [
      'stateStorage.hostPath.prefix /etc/ais -> /var/lib/ais',
      HP,
      withSpec(HP, { stateStorage: { hostPath: { prefix: '/var/lib/ais' } } }),
    ],
    ['stateStorage hostPath -> emptyDir', HP, withSpec(HP, { stateStorage: { emptyDir: {} } })],
    [
      'legacy hostpathPrefix /etc/ais -> /var/lib/ais',
      withSpec(aistore({ size: 4, disable: true }), { hostpathPrefix: '/etc/ais' }),
      withSpec(aistore({ size: 4, disable: true }), { hostpathPrefix: '/var/lib/ais' }),
    ],
  ];
  for (const [what, stored, next] of edits) {
    it(`rollsTargets: ${what}`, () => expect(rolls(stored, next)).toBe(true));
    it.each(SIDES)(`[%s] ratchet: ${what} with node-1 tainted is refused`, (_, side) => {
      const ev = ratchet(side, stored, next);
      expect(denies(ev).join('\n')).toMatch(/pv-target-binding: the targets cannot run on node node-1/);
    });
  }
});

describe('under-detection: configToUpdate.backend (target/statefulset.go NewAISContainerEnv)', () => {
  // DEFECT (false allow). NewAISContainerEnv adds GOOGLE_APPLICATION_CREDENTIALS when
  // Spec.HasGCPBackend() and OCI_CLI_CONFIG_FILE when HasOCIBackend(), and both are true for a
  // provider listed in spec.configToUpdate.backend alone (aistore_types.go HasGCPBackend:
  // `s.GCPSecretName != nil || s.isProviderInConf(aisapc.GCP)`). aisnode's env is compared
  // (common.go primaryContainerChecks env: true, shouldUpdateContainerSpec "updating env
  // variables"): enabling the GCP backend through configToUpdate (workload identity, no secret)
  // rolls every target. ROLLING_FIELDS has configToUpdate.net.http and log.max_total only.
  // Expected: rollsTargets true.
  const CR = aistore({ size: 4, disable: true });
  const gcp = withSpec(CR, { configToUpdate: { backend: { gcp: {} } } });
  const oci = withSpec(CR, { configToUpdate: { backend: { oci: {} } } });
  it('rollsTargets: configToUpdate.backend gains gcp', () => expect(rolls(CR, gcp)).toBe(true));
  it('rollsTargets: configToUpdate.backend gains oci', () => expect(rolls(CR, oci)).toBe(true));
  it.each(SIDES)('[%s] ratchet: backend gains gcp with node-1 tainted is refused', (_, side) => {
    expect(denies(ratchet(side, CR, gcp)).join('\n')).toMatch(
      /pv-target-binding: the targets cannot run on node node-1/,
    );
  });
});

describe('under-detection: TLS csi mode feeds hostnameMap and clusterDomain into a volume', () => {
  // DEFECT (false allow). With spec.tls.certificate.mode: csi the "tls-certs" volume is a cert-manager
  // CSI volume whose volumeAttributes carry the certificate's DNS names (cmn/volumes.go getTLSVolume ->
  // getTLSCSIVolumeSource -> buildCertificateSANs(ais, nil)); those names are built from
  // ClusterDomain(ais) (spec.clusterDomain) and every host of spec.hostnameMap
  // (cmn/certificate.go buildCertificateSANs). A changed volume rolls the targets (common.go
  // shouldUpdateVolumes). Neither field is in ROLLING_FIELDS; both are top-level and free to change
  // (aistore_webhook.go ValidateUpdate checks only targetSpec/proxySpec/enableExternalLB/state class).
  // Expected: rollsTargets true.
  const CSI = withSpec(aistore({ size: 4, disable: true }), {
    tls: { certificate: { issuerRef: { name: 'ca', kind: 'ClusterIssuer' }, mode: 'csi' } },
  });
  it('rollsTargets: hostnameMap gains a host', () =>
    expect(rolls(CSI, withSpec(CSI, { hostnameMap: { 'node-1': '10.0.0.1,node-1.data' } }))).toBe(true));
  it('rollsTargets: clusterDomain changes', () =>
    expect(rolls(CSI, withSpec(CSI, { clusterDomain: 'corp.local' }))).toBe(true));
});

describe('under-detection: configToUpdate.net.http {} where none was', () => {
  // DEFECT (false allow, edge). ROLLING_FIELDS treats an empty map as absent ("as the operator's
  // semantic equality sees it"), but net.http does not reach the template through DeepEqual: it is
  // marshalled (cmn/config.go GenerateConfigToSet -> ConfigToUpdate.Convert, MorphMarshal) and hashed:
  // HashRestartConfigs hashes sha256("") when Net.HTTP is nil and sha256("{}") for an empty, non-nil
  // one. The new restart hash (cluster_controller.go calcRestartConfigAnnotation: non-initial once it
  // changes) is rendered as the pod template annotation and shouldUpdateAnnotations rolls the targets.
  // Expected: rollsTargets true for `configToUpdate: {net: {http: {}}}` on a CR with no net.http.
  const CR = aistore({ size: 4, disable: true });
  it('rollsTargets: net.http {} added', () =>
    expect(rolls(CR, withSpec(CR, { configToUpdate: { net: { http: {} } } }))).toBe(true));
});

// ---------------------------------------------------------------------------------------------------
// Over-detection: ROLLING_FIELDS changes the operator does NOT roll out. Impact: the ratchet refuses a
// harmless update ("this update rolls the targets out ... every one whose disks are there comes back
// Pending") on a cluster with a tainted node, and a publicNetDNSMode: Pod switch + scale-out is
// admitted although the targets keep the IP mode (target-host-port podDnsNames).
// ---------------------------------------------------------------------------------------------------

describe('over-detection: spec.tls in certificate secret mode', () => {
  // DEFECT (false deny). In the default certificate mode (secret) the targets mount the Secret
  // "<name>-tls" (cmn/volumes.go getTLSSecretVolumeSource, aistore_types.go GetTLSSecretName); the
  // issuer, duration, renewBefore and additionalDNSNames go to the cert-manager Certificate only
  // (cmn/certificate.go), and net.http's cert paths depend on HasTLSEnabled alone (cmn/config.go
  // GenerateConfigToSet), so the restart hash is unchanged. The pod template is byte-identical:
  // shouldUpdatePodTemplate finds nothing, no target is re-created. ROLLING_FIELDS has ['tls'] whole.
  // Expected: rollsTargets false; the ratchet admits (warns) as for any other harmless update.
  const TLS = withSpec(aistore({ size: 4, disable: true }), {
    tls: { certificate: { issuerRef: { name: 'ca', kind: 'ClusterIssuer' }, mode: 'secret' } },
  });
  const longer = changed(TLS, (c) => {
    c.spec.tls.certificate.duration = '2160h';
    c.spec.tls.certificate.additionalDNSNames = ['ais.example.com'];
  });
  it('rollsTargets: certificate duration + additionalDNSNames (secret mode)', () =>
    expect(rolls(TLS, longer)).toBe(false));
  it.each(SIDES)('[%s] ratchet: the same change with node-1 tainted is not refused', (_, side) => {
    const ev = ratchet(side, TLS, longer);
    expect(denies(ev).join('\n')).not.toMatch(/pv-target-binding/);
  });
});

describe('over-detection: deprecated targetSpec.capabilities under aisContainerSecurityContext', () => {
  // DEFECT (false deny). The aisnode security context is AISContainerSecurityContext when set, else
  // the deprecated Capabilities (cmn/statefulset.go GetAISSecurityContext: "Precedence:
  // AISContainerSecurityContext > deprecated Capabilities > Default"). Dropping the deprecated
  // field once aisContainerSecurityContext is set (the migration the deprecation asks for) leaves
  // the template unchanged: no rollout. Expected: rollsTargets false.
  const sc = { capabilities: { add: ['SYS_ADMIN'] } };
  const both = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.targetSpec.aisContainerSecurityContext = sc;
    c.spec.targetSpec.capabilities = sc;
  });
  const migrated = changed(both, (c) => delete c.spec.targetSpec.capabilities);
  it('rollsTargets: capabilities removed while aisContainerSecurityContext is set', () =>
    expect(rolls(both, migrated)).toBe(false));
  it.each(SIDES)('[%s] ratchet: the migration with node-1 tainted is not refused', (_, side) => {
    expect(denies(ratchet(side, both, migrated)).join('\n')).not.toMatch(/pv-target-binding/);
  });
});

describe('over-detection: equal quantities written differently (equality.Semantic)', () => {
  // DEFECT (false deny). shouldUpdateContainerSpec compares resources with equality.Semantic.DeepEqual,
  // whose Quantity equality is numeric (apimachinery pkg/api/equality: a.Cmp(b) == 0): 1Gi and
  // 1024Mi, 1 and 1000m, are no change. The CRD does not canonicalise an int-or-string quantity, so
  // the stored CR keeps what was written; sameJson compares strings. Expected: rollsTargets false.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.targetSpec.resources = { limits: { memory: '1Gi', cpu: '1' } };
  });
  const rewritten = changed(CR, (c) => {
    c.spec.targetSpec.resources = { limits: { memory: '1024Mi', cpu: '1000m' } };
  });
  it('rollsTargets: 1Gi -> 1024Mi, 1 -> 1000m', () => expect(rolls(CR, rewritten)).toBe(false));
});

describe('over-detection: log.max_total while an ephemeral-storage request is set', () => {
  // DEFECT (false deny). configToUpdate.log.max_total reaches the template only through
  // cmn/statefulset.go NewResourceReq, which returns the user's requests untouched when they already
  // ask for a non-zero ephemeral-storage ("if reqs.Requests.StorageEphemeral() != nil && !IsZero()
  // return reqs"). Nor is log.* in the restart hash (HashRestartConfigs: net.http only). With
  // targetSpec.resources.requests.ephemeral-storage set, a new max_total changes no target pod.
  // Expected: rollsTargets false.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.targetSpec.resources = { requests: { 'ephemeral-storage': '20Gi' } };
    c.spec.configToUpdate = { log: { max_total: '1GiB' } };
  });
  const more = changed(CR, (c) => (c.spec.configToUpdate.log.max_total = '4GiB'));
  it('rollsTargets: max_total 1GiB -> 4GiB', () => expect(rolls(CR, more)).toBe(false));
});

describe('over-detection: an annotation set to the empty string (DeepDerivative)', () => {
  // DEFECT (false deny, edge). shouldUpdateAnnotations asks equality.Semantic.DeepDerivative(desired,
  // current), and DeepDerivative counts an empty string in the desired value as unset
  // (apimachinery third_party/forked/golang/reflect/deep_equal.go deepValueDerive, reflect.String:
  // "if v1.Len() == 0 return true"): changing an existing annotation's value to "" rolls nothing
  // (and syncPodTemplate leaves the annotations as they were). annotates() counts it as a change.
  // Expected: rollsTargets false.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.targetSpec.annotations = { 'example.com/owner': 'team-a' };
  });
  const blanked = changed(CR, (c) => (c.spec.targetSpec.annotations['example.com/owner'] = ''));
  it('rollsTargets: an annotation value changed to ""', () => expect(rolls(CR, blanked)).toBe(false));
});

// ---------------------------------------------------------------------------------------------------
// The same under-detection seen through target-host-port (webhook and VAP): a switch to
// publicNetDNSMode Pod with a scale-out that rides a state-storage rollout.
// ---------------------------------------------------------------------------------------------------

describe('target-host-port: Pod switch + scale-out riding a state-storage rollout', () => {
  // DEFECT (false deny, webhook and VAP). As review-fresh22p's memory-limit case: one target, hostPort
  // 0, anti-affinity off, pinned to node-1, DNS mode IP. One update sets publicNetDNSMode: Pod, size 2
  // and moves the state from hostPath to emptyDir. The state volume changes (cmn/volumes.go
  // NewAISVolumes), so shouldUpdateVolumes rolls the targets; syncPodTemplate replaces the init
  // container whole with AIS_PUBLIC_DNS_MODE=Pod (cmn/env.go CommonInitEnv), and the scale-out waits
  // for the rollout (target_controllers.go handleTargetState). The guard admits it with a memory-limit
  // bump but refuses it with the state move ("duplicate IPs").
  // Expected: admitted on both sides and by the VAP.
  const LIVE_IP = withSpec(
    aistore({ size: 1, disable: true, hostPort: 0, nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }),
    { stateStorage: { hostPath: { prefix: '/etc/ais' } } },
  );
  const next = changed(LIVE_IP, (c) => {
    c.spec.targetSpec.size = 2;
    c.spec.publicNetDNSMode = 'Pod';
    c.spec.stateStorage = { emptyDir: {} };
  });
  const NODES3 = [node('node-1'), node('node-2'), node('node-3')];
  it.each(SIDES)('[%s] admitted', (_, side) => {
    expect(messages(judgeUpdate(side, LIVE_IP, next, NODES3)).join('\n')).not.toMatch(
      /target-host-port deny/,
    );
  });
  it('VAP: admitted', () => {
    const failures = AISTORE_VAP.flatMap(
      (p) => admit(p, { operation: 'UPDATE', object: next, oldObject: LIVE_IP }).failures,
    );
    expect(failures.map((f) => f.rule)).not.toContain('target-host-port');
  });
});

describe('over-detection: net.http certificate paths while spec.tls is set', () => {
  // DEFECT (false deny, edge). With spec.tls set, GenerateConfigToSet overwrites net.http.server_crt,
  // server_key and client_ca_tls with the operator's own paths under /var/certs (cmn/config.go
  // GenerateConfigToSet: `if ais.HasTLSEnabled() { ... specConfig.Net.HTTP.Certificate = ... }`)
  // before HashRestartConfigs hashes net.http: dropping stale hand-set certificate paths (left from
  // before the move to spec.tls) leaves the restart hash, hence the pod template, unchanged; no
  // probe changes either (cmn/res.go newHTTPProbeHandle reads use_https only). ROLLING_FIELDS takes
  // configToUpdate.net.http whole. Expected: rollsTargets false.
  const CR = changed(aistore({ size: 4, disable: true }), (c) => {
    c.spec.tls = { secretName: 'ais-tls' };
    c.spec.configToUpdate = {
      net: { http: { use_https: true, server_crt: '/etc/old/tls.crt', server_key: '/etc/old/tls.key' } },
    };
  });
  const cleaned = changed(CR, (c) => (c.spec.configToUpdate.net.http = { use_https: true }));
  it('rollsTargets: stale server_crt/server_key dropped under spec.tls', () =>
    expect(rolls(CR, cleaned)).toBe(false));
});

describe('under-detection: an empty security context is not "unset" for the operator', () => {
  // DEFECT (false allow; and a false deny through target-host-port). ROLLING_FIELDS compares through
  // `unset`, which takes an empty map for an absent field ("as the operator's semantic equality sees
  // it"). For the pointer fields it does not: GetPodSecurityContext returns s.SecurityContext when
  // non-nil, else DefaultPodSecurityContext() (runAsNonRoot: false, seccompProfile RuntimeDefault);
  // GetAISSecurityContext likewise for aisContainerSecurityContext / capabilities against
  // DefaultAISContainerSecurityContext() (allowPrivilegeEscalation: false, drop ALL)
  // (cmn/statefulset.go). `securityContext: {}` unmarshals to a non-nil empty PodSecurityContext,
  // the template loses the defaults, and shouldUpdatePodSecurityContext / shouldUpdateContainerSpec
  // (common.go, equality.Semantic.DeepEqual) roll every target. Likewise `tls: {}` turns
  // HasTLSEnabled on (aistore_types.go: `Spec.TLS != nil`), which puts the /var/certs paths into
  // net.http and so changes the restart hash (cmn/config.go GenerateConfigToSet, HashRestartConfigs).
  // The apiserver keeps `{}` in a CR. The VAP twin, which counts `{}` as set, gets these right.
  // Expected: rollsTargets true; the ratchet refuses; a Pod switch + scale-out riding it is admitted.
  const CR = aistore({ size: 4, disable: true });
  const edits: [string, (c: any) => void][] = [
    ['targetSpec.securityContext: {}', (c) => (c.spec.targetSpec.securityContext = {})],
    [
      'targetSpec.aisContainerSecurityContext: {}',
      (c) => (c.spec.targetSpec.aisContainerSecurityContext = {}),
    ],
    ['tls: {}', (c) => (c.spec.tls = {})],
  ];
  for (const [what, edit] of edits)
    it(`rollsTargets: ${what} added`, () => expect(rolls(CR, changed(CR, edit))).toBe(true));
  it.each(SIDES)('[%s] ratchet: securityContext {} added with node-1 tainted is refused', (_, side) => {
    const next = changed(CR, (c) => (c.spec.targetSpec.securityContext = {}));
    expect(denies(ratchet(side, CR, next)).join('\n')).toMatch(
      /pv-target-binding: the targets cannot run on node node-1/,
    );
  });
  const LIVE_IP = aistore({
    size: 1,
    disable: true,
    hostPort: 0,
    nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
  });
  it.each(SIDES)('[%s] Pod switch + scale-out + securityContext {} is admitted', (_, side) => {
    const next = changed(LIVE_IP, (c) => {
      c.spec.targetSpec.size = 2;
      c.spec.publicNetDNSMode = 'Pod';
      c.spec.targetSpec.securityContext = {};
    });
    const ev = judgeUpdate(side, LIVE_IP, next, [node('node-1'), node('node-2'), node('node-3')]);
    expect(messages(ev).join('\n')).not.toMatch(/target-host-port deny/);
  });
});

describe('over-detection: probe overrides that render the defaults', () => {
  // DEFECT (false deny, edge). NewLivenessProbe/NewReadinessProbe/NewStartupProbe (cmn/res.go) read
  // each field of targetSpec.probes.<kind> with int32ValOrDefault: `probes: {liveness: {}}` renders
  // the probes exactly as no override does, so shouldUpdateProbes (common.go) sees no change.
  // `unset` does not take `{liveness: {}}` for unset. Expected: rollsTargets false.
  const CR = aistore({ size: 4, disable: true });
  it('rollsTargets: probes {liveness: {}} added', () =>
    expect(
      rolls(
        CR,
        changed(CR, (c) => (c.spec.targetSpec.probes = { liveness: {} })),
      ),
    ).toBe(false));
});

describe('over-detection: targetSpec.labels that the operator overrides', () => {
  // DEFECT (false deny, edge). The pod labels are MergePodLabels(targetSpec.labels, basicLabels):
  // the user's first, then the operator's own over them "so reserved keys cannot be overridden"
  // (cmn/labels.go MergePodLabels; target/statefulset.go NewTargetSS). Adding
  // `app.kubernetes.io/name: ais` (the value the operator sets anyway) to targetSpec.labels renders
  // the same labels: shouldUpdateLabels sees no change. aistore.ts targetPodLabels itself models the
  // override. Expected: rollsTargets false.
  const CR = aistore({ size: 4, disable: true });
  it('rollsTargets: a reserved label added with the operator value', () =>
    expect(
      rolls(
        CR,
        changed(CR, (c) => (c.spec.targetSpec.labels = { 'app.kubernetes.io/name': 'ais' })),
      ),
    ).toBe(false));
});
