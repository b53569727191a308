// The objects the VAP-vs-engine agreement is proven on: every document of the shared fixtures, and the
// rule tests' builders turned to each branch the policies encode (CREATE and, for ratcheting, UPDATE).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSource, type LoadError } from '../../src/cli/load.js';
import type { KubeObject } from '../../src/policy/index.js';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  hostAntiAffinityWith,
  TERM_SCOPES,
  pvc,
  targetPod,
  targetStatefulSet,
  type MountSpec,
} from '../support/builders.js';
import { FIXTURE_FILES, FIXTURES } from '../support/fixtures.js';

export interface AgreementCase {
  name: string;
  operation: 'CREATE' | 'UPDATE';
  object: KubeObject;
  oldObject?: KubeObject;
}

const PINNED = { 'kubernetes.io/hostname': 'node-1' };
// The operator labels what it renders app.kubernetes.io/managed-by: ais-operator (NewTargetSS); the
// policies and the engine judge nothing without that (or an AIStore owner) when the CR is unknown.
const MANAGED = { 'app.kubernetes.io/managed-by': 'ais-operator' };
const LEGACY_LABELS = { app: 'ais', component: 'target', ...MANAGED };
const SELECTOR_LABELS = { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' };

/** A claim with the operator evidence a webhook without the CR needs (labelled by hand, or owned). */
const claim = (name: string, o: { namespace?: string; labels?: Record<string, string> | null } = {}) =>
  pvc(name, { ...o, labels: o.labels === null ? null : { ...(o.labels ?? SELECTOR_LABELS), ...MANAGED } });

export function fixtureCases(): AgreementCase[] {
  return FIXTURE_FILES.flatMap((file) => {
    const errors: LoadError[] = [];
    const { manifests } = parseSource(file, readFileSync(join(FIXTURES, file), 'utf8'), errors);
    if (errors.length > 0) throw new Error(`${file}: ${errors[0]!.message}`);
    return manifests.map((m) => ({
      name: `${file.slice(0, 2)} ${m.object.kind} ${m.object.metadata?.name}`,
      operation: 'CREATE' as const,
      object: m.object,
    }));
  });
}

const withLabels = (o: KubeObject, labels: Record<string, string>): KubeObject => ({
  ...o,
  metadata: { ...o.metadata, labels },
});

const mounts = (...paths: string[]): MountSpec[] => paths.map((path) => ({ path, size: '1Ti' }));

/** The CR with top-level spec fields the builder does not take (TLS, cloud secrets). */
function withSpec(cr: KubeObject, extra: Record<string, unknown>): KubeObject {
  Object.assign(cr.spec as Record<string, unknown>, extra);
  return cr;
}

/** The CR with more targetSpec fields. */
function withTargetSpec(cr: KubeObject, extra: Record<string, unknown>): KubeObject {
  Object.assign((cr.spec as { targetSpec: Record<string, unknown> }).targetSpec, extra);
  return cr;
}

/** The CRD's targetSpec.externalAccess: annotations for the per-target LoadBalancer Services. */
const EXTERNAL_ACCESS = { annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'ais.example.com' } };

export function builderCases(): AgreementCase[] {
  const create = (name: string, object: KubeObject): AgreementCase => ({ name, operation: 'CREATE', object });
  const update = (name: string, oldObject: KubeObject, object: KubeObject): AgreementCase => ({
    name,
    operation: 'UPDATE',
    object,
    oldObject,
  });
  return [
    create('CR: anti-affinity off, clean', aistore({ disable: true })),
    // Whether a target anti-affinity term reaches the other targets: on the CR (target-anti-affinity,
    // and whether the user's own podAntiAffinity leaves targets free), the StatefulSet and the pod.
    ...TERM_SCOPES.flatMap(({ name, extra }) => [
      create(
        `CR: anti-affinity off, target term for ${name}`,
        aistore({ disable: true, affinity: hostAntiAffinityWith(extra) }),
      ),
      create(
        `CR: hostPort, own podAntiAffinity with a target term for ${name}`,
        aistore({ hostPort: 51081, affinity: hostAntiAffinityWith(extra) }),
      ),
      // Pinned: without the CR only a pinned host makes a StatefulSet or pod multi-target.
      create(
        `STS: hostPort, pinned, template term for ${name}`,
        targetStatefulSet({ hostPort: 51081, nodeSelector: PINNED, affinity: hostAntiAffinityWith(extra) }),
      ),
      create(
        `Pod: hostPort, pinned, term for ${name}`,
        targetPod({
          hostPort: 51081,
          nodeSelector: PINNED,
          ordinal: 1,
          affinity: hostAntiAffinityWith(extra),
        }),
      ),
    ]),
    // A matchLabelKeys key the selector has too: Kubernetes refuses every target pod (affinity-label-keys).
    create(
      'CR: matchLabelKeys on a key its selector has',
      aistore({ affinity: hostAntiAffinityWith({ matchLabelKeys: ['app.kubernetes.io/name'] }) }),
    ),
    create(
      'STS: matchLabelKeys on a key its selector has',
      targetStatefulSet({ affinity: hostAntiAffinityWith({ matchLabelKeys: ['app.kubernetes.io/name'] }) }),
    ),
    create('CR: hostPort, anti-affinity off', aistore({ disable: true, hostPort: 51081 })),
    create('CR: hostPort, anti-affinity on', aistore({ hostPort: 51081 })),
    create('CR: hostPort 0, anti-affinity off', aistore({ disable: true, hostPort: 0 })),
    create(
      'CR: hostPort 0, anti-affinity off, publicNetDNSMode Pod',
      withSpec(aistore({ disable: true, hostPort: 0 }), { publicNetDNSMode: 'Pod' }),
    ),
    create(
      'CR: hostPort 51081, anti-affinity off, publicNetDNSMode Pod',
      withSpec(aistore({ disable: true, hostPort: 51081 }), { publicNetDNSMode: 'Pod' }),
    ),
    create(
      'CR: hostPort 51081, autoscaled at most one target (sizeLimit 1)',
      withTargetSpec(aistore({ disable: true, hostPort: 51081, size: -1 }), { autoScale: { sizeLimit: 1 } }),
    ),
    create(
      'CR: hostPort 51081, autoscaled at most two targets (sizeLimit 2)',
      withTargetSpec(aistore({ disable: true, hostPort: 51081, size: -1 }), { autoScale: { sizeLimit: 2 } }),
    ),
    create(
      'CR: hostPort 0, per-target external access, anti-affinity off',
      withTargetSpec(aistore({ disable: true, hostPort: 0 }), { externalAccess: EXTERNAL_ACCESS }),
    ),
    create(
      'CR: hostPort 0, enableExternalLB, anti-affinity off',
      withSpec(aistore({ disable: true, hostPort: 0 }), { enableExternalLB: true }),
    ),
    create('CR: hostPort, anti-affinity off, 1 target', aistore({ disable: true, hostPort: 51081, size: 1 })),
    create(
      'CR: hostPort, autoscaled, anti-affinity off',
      aistore({ disable: true, hostPort: 51081, size: -1 }),
    ),
    create('CR: hostPort, nodeSelector pins one host', aistore({ hostPort: 51081, nodeSelector: PINNED })),
    create(
      'CR: hostPort, pinned host, 1 target',
      aistore({ hostPort: 51081, nodeSelector: PINNED, size: 1 }),
    ),
    create('CR: hostPort, removed top-level field true', aistore({ legacyDisable: true, hostPort: 51081 })),
    create('CR: hostPort, removed top-level field false', aistore({ legacyDisable: false, hostPort: 51081 })),
    create('CR: hostNetwork, anti-affinity off', aistore({ disable: true, hostNetwork: true })),
    create('CR: hostNetwork false, anti-affinity off', aistore({ disable: true, hostNetwork: false })),
    create(
      'CR: useHostPath, anti-affinity off',
      aistore({ disable: true, mounts: [{ path: '/ais/sda', useHostPath: true }] }),
    ),
    create(
      'CR: useHostPath, anti-affinity on',
      aistore({ mounts: [{ path: '/ais/sda', useHostPath: true }] }),
    ),
    create(
      'CR: target anti-affinity in targetSpec.affinity, anti-affinity off',
      aistore({ disable: true, affinity: HOST_ANTI_AFFINITY() }),
    ),
    create('CR: target anti-affinity, anti-affinity on', aistore({ affinity: HOST_ANTI_AFFINITY() })),
    create(
      'CR: anti-affinity for another CR, anti-affinity off',
      aistore({ disable: true, affinity: HOST_ANTI_AFFINITY('other') }),
    ),
    create('CR: mount path not absolute', aistore({ mounts: mounts('data') })),
    create('CR: mount path with a trailing /', aistore({ mounts: mounts('/data/') })),
    create('CR: mount path with capitals', aistore({ mounts: mounts('/Data') })),
    create('CR: two mounts, one template', aistore({ mounts: mounts('/a/b', '/a-b') })),
    create('CR: a template over 63 characters', aistore({ mounts: mounts(`/${'x'.repeat(70)}`) })),
    create('CR: mount "/"', aistore({ mounts: mounts('/') })),
    create(
      'CR: a mount class that is no class name',
      aistore({ mounts: [{ path: '/data', size: '1Ti', storageClass: 'Fast_SSD' }] }),
    ),
    create(
      'CR: a mount class of 254 characters, and one of 253 with dots',
      aistore({
        mounts: [
          { path: '/a', size: '1Ti', storageClass: 'a'.repeat(254) },
          { path: '/b', size: '1Ti', storageClass: `${'b'.repeat(126)}.${'c'.repeat(126)}` },
        ],
      }),
    ),
    create(
      'CR: mount classes Kubernetes takes ("" is none)',
      aistore({
        mounts: [
          { path: '/a', size: '1Ti', storageClass: `${'b'.repeat(126)}.${'c'.repeat(126)}` },
          { path: '/b', size: '1Ti', storageClass: '' },
          { path: '/c', useHostPath: true, storageClass: 'Not_Used' },
        ],
      }),
    ),
    create(
      'CR: a state claim class that is no class name',
      withSpec(aistore(), { stateStorage: { pvc: { storageClass: 'Local.Path' } } }),
    ),
    create(
      'CR: the deprecated state class that is no class name',
      withSpec(aistore(), { stateStorageClass: 'x_y' }),
    ),
    create(
      'CR: 1,025 mounts (more than the guard reads)',
      aistore({ disable: true, mounts: mounts(...Array.from({ length: 1025 }, (_, i) => `/d/m${i}`)) }),
    ),
    create("CR: a mount at the operator's state directory", aistore({ mounts: mounts('/etc/ais') })),
    create(
      'CR: a mount at /var/certs with TLS on',
      withSpec(aistore({ mounts: mounts('/var/certs') }), { tls: { secretName: 'ais-tls' } }),
    ),
    create(
      'CR: a mount at /var/certs with TLS off',
      aistore({ disable: true, mounts: mounts('/var/certs') }),
    ),
    create('CR: a name starting with a digit', aistore({ name: '1ais' })),
    create('CR: a name with a dot', aistore({ name: 'ais.prod' })),
    create('CR: a 45-character name', aistore({ name: 'a'.repeat(45) })),
    create('CR: a 46-character name', aistore({ name: 'a'.repeat(46) })),
    create(
      'CR: a mount inside another (nested mountpaths)',
      aistore({ mounts: mounts('/ais', '/ais/disk1') }),
    ),
    create(
      'CR: a hostPath mount inside another, spelled with "//" and a trailing "/"',
      aistore({
        mounts: [
          { path: '/data/', useHostPath: true },
          { path: '/data//x', useHostPath: true },
        ],
      }),
    ),
    create(
      'CR: a hostPath mount at the root directory, spelled "//./"',
      aistore({ mounts: [{ path: '//./', useHostPath: true }] }),
    ),
    create(
      'CR: a hostPath mount of 255 bytes, and one of 257 bytes in 131 characters',
      aistore({
        mounts: [
          { path: `/ais/${'d'.repeat(250)}`, useHostPath: true },
          { path: `/dis/${'é'.repeat(126)}`, useHostPath: true },
        ],
      }),
    ),
    create(
      'CR: hostPath mounts through ".." (/ais/.., /ais/x/../sda)',
      aistore({
        mounts: [
          { path: '/ais/..', useHostPath: true },
          { path: '/ais/x/../sda', useHostPath: true },
        ],
      }),
    ),
    create(
      'CR: a hostPath mount of exactly 255 bytes',
      aistore({ mounts: [{ path: `/ais/${'é'.repeat(125)}`, useHostPath: true }] }),
    ),
    create('CR: mounts that share a prefix only', aistore({ mounts: mounts('/ais/sd', '/ais/sdb') })),
    create(
      'CR: a claim mount and a hostPath mount on one directory',
      aistore({ mounts: [...mounts('/data'), { path: '/data//', useHostPath: true }] }),
    ),
    create(
      'CR: a state claim template <ns>-<cr>-state over 63 characters',
      withSpec(
        aistore({ name: 'ais-cluster-01', namespace: 'aistore-object-storage-production-eu-west-1a' }),
        {
          stateStorage: { pvc: { storageClass: 'local-path' } },
        },
      ),
    ),
    create(
      'CR: the same names with the state on a hostPath',
      aistore({ name: 'ais-cluster-01', namespace: 'aistore-object-storage-production-eu-west-1a' }),
    ),
    create('CR: two distinct mounts', aistore({ disable: true, mounts: mounts('/data/a', '/data/b') })),
    // A claim mount's size: at least one whole byte, under 2^63 (outside review "vap": the policy
    // asked only has(size)). The CRD's quantity pattern takes every one of these.
    ...[
      ...['0', '0Ti', '-1Ti', '500m', '1e100', '9Ei', '1500m', '8Ei', '1', '5Ti', '8191Pi'],
      // Past 40 digits the engine reads no size (quantity.ts MAX_DIGITS); up to 2^63 whole bytes
      // are one (rounded towards zero); a non-zero value rounds up to the nano (review "today").
      ...['1.0000000000000000000000000000000000000000', '0000000000000000000000000000000000000000001'],
      ...[
        '9223372036854775807',
        '9223372036854775807.5',
        '9223372036854775807.000000001',
        '9223372036854775808',
      ],
      ...['0.9999999999', '0.000000001'],
    ].map((size) =>
      create(`CR: claim mount size ${size}`, aistore({ mounts: [{ path: '/data/aistore', size }] })),
    ),
    ...[0, 1, -3].map((size) =>
      create(
        `CR: claim mount size ${size} (integer)`,
        aistore({ mounts: [{ path: '/data/aistore', size: size as never }] }),
      ),
    ),
    create(
      'CR: the same claim mount twice',
      aistore({ disable: true, mounts: mounts('/data/a', '/data/a') }),
    ),
    create(
      'CR: a hostPath mount needs no size',
      aistore({ mounts: [{ path: '/data', useHostPath: true, size: '0' }] }),
    ),
    // Many distinct mounts (a JBOD per node): the lists the checks count in are variables, made once
    // (the e2e stage runs these on kube-apiserver, whose cost limit the pairwise form exceeded at 80).
    create(
      'CR: 256 distinct mounts',
      aistore({
        disable: true,
        mounts: mounts(...Array.from({ length: 256 }, (_, i) => `/mnt/data/nvme-disk-${i}/aistore`)),
      }),
    ),
    create(
      // Within the pairs budget (128 x (5 x 128 + ~1,000 characters / 10) <= PAIRWISE_BUDGET).
      'CR: 128 mounts, the last two on one directory',
      aistore({
        disable: true,
        mounts: mounts(...Array.from({ length: 127 }, (_, i) => `/mnt/d${i}`), '/mnt/d7/'),
      }),
    ),
    update(
      'CR: top-level field added on UPDATE',
      aistore({ disable: true }),
      aistore({ disable: true, legacyDisable: true }),
    ),
    update(
      'CR: top-level field kept on UPDATE',
      aistore({ disable: true, legacyDisable: true }),
      aistore({ disable: true, legacyDisable: true, size: 3 }),
    ),
    // DNS mode Pod reaches a live CR's targets only with a rollout (aistore.ts rollsTargets): a new
    // memory limit or pod annotation rolls them before the scale-out; a removed annotation does not.
    ...(
      [
        ['a new memory limit', { resources: { limits: { memory: '64Gi' } } }],
        ['a new pod annotation', { annotations: { 'example.com/tier': 'hot' } }],
        ['a pod annotation removed', { annotations: undefined }],
      ] as const
    ).map(([change, targetSpec]) =>
      update(
        `CR: hostPort 0, one target, switched to Pod and scaled out with ${change} on UPDATE`,
        withTargetSpec(aistore({ disable: true, hostPort: 0, size: 1 }), {
          annotations: { 'example.com/old': 'x' },
        }),
        withTargetSpec(
          withSpec(aistore({ disable: true, hostPort: 0, size: 2 }), { publicNetDNSMode: 'Pod' }),
          { annotations: { 'example.com/old': 'x' }, ...targetSpec },
        ),
      ),
    ),
    update(
      'CR: hostPort added on UPDATE',
      aistore({ disable: true }),
      aistore({ disable: true, hostPort: 51081 }),
    ),
    update(
      'CR: hostPort kept on UPDATE',
      aistore({ disable: true, hostPort: 51081 }),
      aistore({ disable: true, hostPort: 51081, size: 3 }),
    ),
    // A size-1 CR gets no hostPort finding; the operator never lets the port go afterwards, and a
    // real one keeps the targets apart: its scale-out is not refused (evaluate.ts fixedAtCreation,
    // the check's `fixed`), unless it cannot work (one pinned host) or keeps none apart (0, useHostPath).
    update(
      'CR: hostPort kept on a scale-out from one target',
      aistore({ disable: true, hostPort: 51081, size: 1 }),
      aistore({ disable: true, hostPort: 51081, size: 2 }),
    ),
    update(
      'CR: hostPort changed on a scale-out from one target',
      aistore({ disable: true, hostPort: 51081, size: 1 }),
      aistore({ disable: true, hostPort: 9999, size: 2 }),
    ),
    update(
      'CR: hostPort kept on a scale-out onto one pinned host',
      aistore({
        disable: true,
        hostPort: 51081,
        size: 1,
        nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
      }),
      aistore({
        disable: true,
        hostPort: 51081,
        size: 2,
        nodeSelector: { 'kubernetes.io/hostname': 'node-1' },
      }),
    ),
    update(
      'CR: hostPort 0 kept on a scale-out from one target',
      aistore({ disable: true, hostPort: 0, size: 1 }),
      aistore({ disable: true, hostPort: 0, size: 2 }),
    ),
    update(
      'CR: hostNetwork kept on a scale-out from one target',
      aistore({ disable: true, hostNetwork: true, size: 1 }),
      aistore({ disable: true, hostNetwork: true, size: 3 }),
    ),
    update(
      'CR: useHostPath and a hostPort kept on a scale-out from one target',
      aistore({ disable: true, hostPort: 51081, mounts: [{ path: '/d', useHostPath: true }], size: 1 }),
      aistore({ disable: true, hostPort: 51081, mounts: [{ path: '/d', useHostPath: true }], size: 3 }),
    ),
    update(
      'CR: useHostPath kept on a scale-out from one target',
      aistore({ disable: true, mounts: [{ path: '/d', useHostPath: true }], size: 1 }),
      aistore({ disable: true, mounts: [{ path: '/d', useHostPath: true }], size: 3 }),
    ),
    // The manifest the guard patched on CREATE, re-sent: the mutating webhook keeps the stored true.
    update(
      'CR: anti-affinity off dropped on UPDATE, useHostPath',
      aistore({ disable: true }),
      aistore({ mounts: [{ path: '/data', useHostPath: true }] }),
    ),

    create('STS: hostPort, no anti-affinity', targetStatefulSet({ hostPort: 51081 })),
    create(
      'STS: hostPort, target anti-affinity',
      targetStatefulSet({ hostPort: 51081, affinity: HOST_ANTI_AFFINITY() }),
    ),
    create('STS: hostPort, 1 replica', targetStatefulSet({ hostPort: 51081, replicas: 1 })),
    create('STS: hostNetwork, no anti-affinity', targetStatefulSet({ hostNetwork: true })),
    // Without the CR only a pinned host with no term sure to keep targets apart is multi-target: an
    // admitted one-target CR scaled out renders the unpinned ones above (layout.ts detectLayout withoutCR).
    create(
      'STS: hostPort, no anti-affinity, pinned to one host',
      targetStatefulSet({ hostPort: 51081, nodeSelector: PINNED }),
    ),
    create(
      'STS: hostNetwork, no anti-affinity, pinned to one host',
      targetStatefulSet({ hostNetwork: true, nodeSelector: PINNED }),
    ),
    create(
      'STS: pinned to one host, a target term for a namespace label the guard cannot see',
      targetStatefulSet({
        affinity: hostAntiAffinityWith({ namespaceSelector: { matchLabels: { team: 'storage' } } }),
        nodeSelector: PINNED,
      }),
    ),
    create(
      'STS: anti-affinity, pinned to one host',
      targetStatefulSet({ affinity: HOST_ANTI_AFFINITY(), nodeSelector: PINNED }),
    ),
    create(
      'STS: hostPort, anti-affinity, pinned to one host',
      targetStatefulSet({ hostPort: 51081, affinity: HOST_ANTI_AFFINITY(), nodeSelector: PINNED }),
    ),
    create(
      'STS: anti-affinity selecting other pods',
      targetStatefulSet({ hostPort: 51081, affinity: HOST_ANTI_AFFINITY('other') }),
    ),
    create(
      'STS: anti-affinity by matchExpressions',
      targetStatefulSet({
        hostPort: 51081,
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                topologyKey: 'kubernetes.io/hostname',
                labelSelector: {
                  matchExpressions: [
                    { key: 'app.kubernetes.io/component', operator: 'In', values: ['target'] },
                    { key: 'app.kubernetes.io/name', operator: 'Exists' },
                    { key: 'tier', operator: 'DoesNotExist' },
                    { key: 'component', operator: 'NotIn', values: ['proxy'] },
                  ],
                },
              },
            ],
          },
        },
      }),
    ),
    create(
      'STS: a template name over 63 characters',
      targetStatefulSet({ templates: [`ais-${'x'.repeat(70)}`] }),
    ),
    create(
      'STS: legacy labels only, hostPort',
      withLabels(targetStatefulSet({ hostPort: 51081 }), LEGACY_LABELS),
    ),
    create(
      'STS: not a target (proxy labels)',
      withLabels(targetStatefulSet({ hostPort: 51081 }), { app: 'ais', component: 'proxy' }),
    ),
    update('STS: hostPort added on UPDATE', targetStatefulSet(), targetStatefulSet({ hostPort: 51081 })),
    create(
      'STS: target labels without managed-by, hostPort (no evidence: not AIStore)',
      withLabels(targetStatefulSet({ hostPort: 51081 }), SELECTOR_LABELS),
    ),
    create('STS: AIStore owner, selector labels, hostPort', {
      ...targetStatefulSet({ hostPort: 51081 }),
      metadata: {
        name: 'ais-target',
        namespace: 'ais',
        labels: SELECTOR_LABELS,
        ownerReferences: [
          {
            apiVersion: 'ais.nvidia.com/v1beta1',
            kind: 'AIStore',
            name: 'ais',
            uid: '00000000-0000-0000-0000-000000000001',
            controller: true,
          },
        ],
      },
    }),
    create(
      'STS: AIS_PUBLIC_HOSTNAME from status.hostIP, no anti-affinity',
      targetStatefulSet({ publicHostnameFrom: 'status.hostIP' }),
    ),
    create(
      'STS: AIS_PUBLIC_HOSTNAME from spec.nodeName, target anti-affinity',
      targetStatefulSet({ publicHostnameFrom: 'spec.nodeName', affinity: HOST_ANTI_AFFINITY() }),
    ),
    create(
      'STS: AIS_PUBLIC_HOSTNAME from status.podIP, no anti-affinity',
      targetStatefulSet({ publicHostnameFrom: 'status.podIP' }),
    ),
    create(
      'STS: hostPort and AIS_PUBLIC_HOSTNAME from the node',
      targetStatefulSet({ hostPort: 51081, publicHostnameFrom: 'status.hostIP' }),
    ),
    update(
      'STS: hostPort dropped on UPDATE, AIS_PUBLIC_HOSTNAME from the node kept',
      targetStatefulSet({ hostPort: 51081, publicHostnameFrom: 'status.hostIP' }),
      targetStatefulSet({ publicHostnameFrom: 'status.hostIP' }),
    ),
    update(
      'STS: AIS_PUBLIC_HOSTNAME from the node kept on UPDATE (scaled)',
      targetStatefulSet({ publicHostnameFrom: 'status.hostIP' }),
      targetStatefulSet({ publicHostnameFrom: 'status.hostIP', replicas: 3 }),
    ),
    update(
      'STS: hostPort kept on UPDATE (scaled)',
      targetStatefulSet({ hostPort: 51081 }),
      targetStatefulSet({ hostPort: 51081, replicas: 3 }),
    ),

    create('Pod: hostPort, no anti-affinity', targetPod({ hostPort: 51081 })),
    create(
      'Pod: hostPort, target anti-affinity',
      targetPod({ hostPort: 51081, affinity: HOST_ANTI_AFFINITY() }),
    ),
    create(
      'Pod: hostPort, anti-affinity, pinned, ordinal 1',
      targetPod({ hostPort: 51081, affinity: HOST_ANTI_AFFINITY(), nodeSelector: PINNED, ordinal: 1 }),
    ),
    create(
      'Pod: hostPort, anti-affinity, pinned, ordinal 0',
      targetPod({ hostPort: 51081, affinity: HOST_ANTI_AFFINITY(), nodeSelector: PINNED, ordinal: 0 }),
    ),
    create('Pod: hostNetwork, no anti-affinity', targetPod({ hostNetwork: true })),
    create(
      'Pod: hostPort, no anti-affinity, pinned, ordinal 1',
      targetPod({ hostPort: 51081, nodeSelector: PINNED, ordinal: 1 }),
    ),
    create(
      'Pod: hostNetwork, no anti-affinity, pinned, ordinal 1',
      targetPod({ hostNetwork: true, nodeSelector: PINNED, ordinal: 1 }),
    ),
    create(
      'Pod: hostNetwork, ports defaulted to host ports, no anti-affinity',
      targetPod({ hostNetwork: true, hostPort: 51081 }),
    ),
    create(
      'Pod: AIS_PUBLIC_HOSTNAME from spec.nodeName, pinned, ordinal 1',
      targetPod({
        publicHostnameFrom: 'spec.nodeName',
        affinity: HOST_ANTI_AFFINITY(),
        nodeSelector: PINNED,
        ordinal: 1,
      }),
    ),
    create('Pod: no hostPort', targetPod()),
    create(
      'Pod: CR name with a dot, ordinal 3',
      targetPod({
        cr: 'a.b',
        hostPort: 1,
        affinity: HOST_ANTI_AFFINITY('a.b'),
        nodeSelector: PINNED,
        ordinal: 3,
      }),
    ),

    create('PVC: the name the StatefulSet claims', claim('ais-data-aistore-ais-target-1')),
    create(
      "PVC: the old doc's <namespace>- name",
      claim('ais-prod-data-aistore-ais-target-0', { namespace: 'ais-prod' }),
    ),
    create('PVC: not a target claim shape', claim('data-ais-0')),
    create('PVC: ordinal with a leading 0', claim('ais-data-ais-target-01')),
    create('PVC: nothing between the CR names', claim('ais-ais-target-0')),
    create('PVC: selector labels only, bad name (no evidence: not AIStore)', pvc('data-ais-0')),
    create('PVC: the state claim', claim('ais-ais-state-ais-target-0')),
    create('PVC: legacy labels, bad name', claim('data-0', { labels: LEGACY_LABELS })),
    create('PVC: no labels (the webhook judges it by name)', claim('data-0', { labels: null })),
    create(
      'PVC: CR name with a dot, the dot is literal',
      claim('axb-data-axb-target-0', {
        labels: { 'app.kubernetes.io/name': 'a.b', 'app.kubernetes.io/component': 'target' },
      }),
    ),
    create(
      'PVC: CR name with a dot, right name',
      claim('a.b-data-a.b-target-0', {
        labels: { 'app.kubernetes.io/name': 'a.b', 'app.kubernetes.io/component': 'target' },
      }),
    ),
    update('PVC: labels added to a badly named claim', claim('data-0', { labels: null }), claim('data-0')),
    update(
      'PVC: badly named claim relabelled',
      claim('data-0'),
      claim('data-0', { labels: { ...LEGACY_LABELS, x: 'y' } }),
    ),
  ];
}
