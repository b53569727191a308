// fast-check generators for the differential test: AIStore CRs as a user (or the apiserver, after
// CRD defaulting) would submit them, the nodes of the cluster they land on, and for some cases the
// previous version of the CR (an UPDATE). The value space leans on what the guard judges: sizes
// (incl. -1 with autoScale.sizeLimit), mounts (nested, trailing "/", labels, selectors,
// useHostPath, no size), anti-affinity terms (by user label, for another namespace, per pod), hostPort, hostNetwork, externalAccess, stateStorage, tolerations, nodeSelector,
// required node affinity, the removed top-level anti-affinity field, mounts at the operator's own
// directories (with the fields that add them), and CR names that overlap
// (`ais`, `ais-x`, `x-ais`, …) with neighbours in the same namespace; for about one case in
// four, a spec fault the operator's ValidateSpec judges (specFault); resource quantities for the
// targets, proxies and log sidecar, finer than 1m or not (quantity). Half the CRs have plain, sized
// claim mounts only (so enough multi-target layouts are admitted), and some fixed-size ones come
// with hand-made local PVs pre-bound to their target claims.
import fc from 'fast-check';
import { isObject, type KubeObject } from '../../../src/policy/index.js';
import { pv } from '../../support/builders.js';

export interface OracleCase {
  namespace: string;
  cr: KubeObject;
  /** Other AIStore CRs in the same namespace (names overlapping the case's CR). */
  neighbours: KubeObject[];
  nodes: KubeObject[];
  /**
   * Hand-made local PVs pre-bound to the CR's target claims (the documented flow for local disks),
   * for about half the fixed-size CRs: one disk per (target, claim mount), the targets spread over
   * the nodes as generated, several on one node included (a multi-target layout). Empty otherwise.
   */
  pvs: KubeObject[];
  /** The CR before this change, for the UPDATE comparison. */
  old?: KubeObject;
}

/** Names chosen to overlap: each is a prefix, suffix or infix of another. */
export const CR_NAMES = ['ais', 'ais-x', 'x-ais', 'a', 'ais-ais', 'ais-target', 'x'] as const;
const NAMESPACES = ['ais', 'ais-x', 'default'] as const;
/** Storage classes the oracle's fake cluster holds (the webhook checks the state class exists). */
export const STORAGE_CLASSES = ['local-nvme', 'state-sc'];

const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

const taint = fc.constantFrom(
  undefined,
  undefined,
  undefined,
  { key: 'dedicated', value: 'ais', effect: 'NoSchedule' },
  { key: 'dedicated', value: 'ais', effect: 'NoExecute' },
  { key: 'dedicated', value: 'ais', effect: 'PreferNoSchedule' },
  { key: 'gpu', value: 'true', effect: 'NoSchedule' },
);

const node = (i: number) =>
  fc
    .record({
      pool: fc.constantFrom(undefined, 'a', 'b'),
      taint,
      // A cordoned node: the node lifecycle controller adds the unschedulable taint with the flag.
      cordoned: fc.constantFrom(false, false, false, true),
    })
    .map(({ pool, taint: t, cordoned }) => {
      const name = `node-${i}`;
      const taints = [...(t ? [t] : []), ...(cordoned ? [UNSCHEDULABLE_TAINT] : [])];
      return {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: { 'kubernetes.io/hostname': name, ...(pool ? { pool } : {}) },
        },
        spec: { ...(cordoned ? { unschedulable: true } : {}), ...(taints.length ? { taints } : {}) },
      } as KubeObject;
    });

export const nodesArb = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => node(i))));

const mountPath = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '/data',
      '/data/aistore',
      '/ais/nvme0n1',
      '/mnt/disk0',
      '/mnt/disk1',
      '/mnt/a/b/c',
      '/d',
    ),
  },
  // A trailing "/" gives the template name "<cr>-data-", which is no DNS-1123 label.
  { weight: 1, arbitrary: fc.constantFrom('/data/', '/mnt/disk0/') },
  // The operator's own directories in the target container, and a second spelling of a disk's.
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/etc/ais',
      '/var/log/ais',
      '/var/certs',
      '/root/.aws',
      '/var/gcp',
      '/mnt//disk0',
    ),
  },
  // Mountpaths aisnode refuses (aistore cmn/config.go ValidateMpath): the root, a path past 255 bytes.
  {
    weight: 1,
    arbitrary: fc.constantFrom('/', '//./', `/ais/${'d'.repeat(251)}`, `/ais/${'d'.repeat(250)}`),
  },
);

const mount = fc
  .record(
    {
      path: mountPath,
      // The CRD requires only the path: a claim mount may come without a size.
      size: fc.constantFrom('1Ti', '500Gi', '1Ti', undefined, '4.1T', '1.1P'),
      storageClass: fc.constantFrom('local-nvme', 'ais-local'),
      label: fc.constantFrom('disk0', 'nvme'),
      selector: fc.constant({ matchLabels: { disk: 'd0' } }),
      useHostPath: fc.constantFrom(false, false, false, true),
    },
    { requiredKeys: ['path', 'size'] },
  )
  .map((m) => {
    // Host-path mounts carry no claim fields in practice; keep them plain.
    if (m.useHostPath) return compact({ path: m.path, size: m.size, useHostPath: true });
    return compact(m);
  });

// Two claim mounts of one path are one template (mount-template-name); a hostPath mount may share
// a claim mount's path, which only the container paths tell apart.
const mounts = fc.uniqueArray(mount, {
  minLength: 1,
  maxLength: 3,
  selector: (m) => `${m.useHostPath ? 'host' : 'claim'} ${m.path}`,
});

/**
 * Mounts as a careful user writes them for local disks: a plain path, a size, a claim each. Half the
 * cases use only these, so that the guard admits enough multi-target layouts for the properties that
 * judge what the operator renders from an admitted CR (with the mixed mounts above, most CRs are
 * denied for a mount path and those properties are not applicable).
 */
const plainMounts = fc.uniqueArray(
  fc
    .record({
      path: fc.constantFrom(
        '/data',
        '/ais/nvme0n1',
        '/ais/nvme1n1',
        '/mnt/disk0',
        '/mnt/disk1',
        '/mnt/a/b/c',
      ),
      size: fc.constantFrom('1Ti', '500Gi', '4.1T'),
      storageClass: fc.constantFrom(undefined, 'local-nvme'),
      label: fc.constantFrom(undefined, 'disk0'),
    })
    .map((m) => compact(m)),
  { minLength: 1, maxLength: 3, selector: (m) => m.path },
);

/** Fields that make the operator mount a directory of its own in the target container. */
const mountingFields = fc.constantFrom(
  undefined,
  undefined,
  { tls: { secretName: 'ais-tls' } },
  { awsSecretName: 'aws-creds' },
  { gcpSecretName: 'gcp-creds' },
  { ociSecretName: 'oci-creds' },
  { tracingTokenSecretName: 'tracing-token' },
);

const size = fc.constantFrom(undefined, -1, 1, 2, 3, 4);

const nodeSelector = fc.constantFrom(undefined, {}, { pool: 'a' }, { 'kubernetes.io/hostname': 'node-0' });

const tolerations = fc.constantFrom(
  undefined,
  [{ key: 'dedicated', operator: 'Equal', value: 'ais', effect: 'NoSchedule' }],
  [{ key: 'dedicated', operator: 'Exists' }],
  [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
  [{ operator: 'Exists' }],
);

const targetLabelSelector = (crName: string) => ({
  matchLabels: { 'app.kubernetes.io/name': crName, 'app.kubernetes.io/component': 'target' },
});

const affinity = (crName: string) =>
  fc.constantFrom(
    undefined,
    {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['a'] }] }],
        },
      },
    },
    {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: 'kubernetes.io/hostname', labelSelector: targetLabelSelector(crName) },
        ],
      },
    },
    // A target term by a user label (targetSpec.labels reach the pods, the operator's own win).
    {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { team: 'storage' } } },
        ],
      },
    },
    // Target terms the scheduler does not apply between the targets: another namespace, or a
    // selector the apiserver narrows to the pod itself (the CR and its StatefulSet must agree).
    {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: targetLabelSelector(crName),
            namespaces: ['elsewhere'],
          },
        ],
      },
    },
    {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            topologyKey: 'kubernetes.io/hostname',
            labelSelector: targetLabelSelector(crName),
            matchLabelKeys: ['statefulset.kubernetes.io/pod-name'],
          },
        ],
      },
    },
    {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: targetLabelSelector(crName),
            },
          },
        ],
      },
    },
  );

const stateStorage = fc.constantFrom(
  { stateStorage: { hostPath: { prefix: '/etc/ais' } } },
  { stateStorage: { pvc: { storageClass: 'state-sc' } } },
  { stateStorage: { emptyDir: {} } },
  { hostpathPrefix: '/etc/ais' },
  // The deprecated class field: state claims too (StateStoragePVCStorageClass), unless stateStorage
  // is set, which wins whatever its mode.
  { stateStorageClass: 'state-sc' },
  { stateStorage: { hostPath: { prefix: '/etc/ais' } }, stateStorageClass: 'state-sc' },
);

const ports = (base: number) => ({
  servicePort: base,
  portPublic: base,
  portIntraControl: 51082,
  portIntraData: 51083,
});

/**
 * Now and then a spec the operator's ValidateSpec (api/aistore/v1beta1/aistore_validation.go)
 * refuses, or one beside such a fault that it takes: a daemon size of 0, spec.size 0 or -2, state
 * storage missing, doubled or empty, the legacy state fields, a shutdown with emptyDir (or hostPath)
 * state, a port out of range, named, or a string of digits, spec.tls with or without cert paths in
 * configToUpdate.net.http. Applied to the spec after it is built (so an UPDATE's old CR has it too).
 */
const specFault = fc.oneof(
  { weight: 15, arbitrary: fc.constant('none') },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      'targetSizeZero',
      'proxySizeZero',
      'clusterSizeZero',
      'clusterSizeMinus2',
      'noState',
      'twoStates',
      'emptyState',
      'legacyBoth',
      'legacyClass',
      'stateNullMode',
      'shutdownEmptyDir',
      'shutdownHostPath',
      'portZero',
      'portHigh',
      'portNamed',
      'portDigits',
      'portSigned',
      'portUnset',
      'tlsCertPath',
      'certPathNoTls',
      'tlsOtherHttp',
      'nodeSelectorNull',
    ),
  },
);

function withFault(spec: Record<string, unknown>, fault: string): void {
  const ps = spec.proxySpec as Record<string, unknown>;
  const ts = spec.targetSpec as Record<string, unknown>;
  const dropState = () => {
    for (const key of ['stateStorage', 'stateStorageClass', 'hostpathPrefix']) delete spec[key];
  };
  switch (fault) {
    case 'targetSizeZero':
      ts.size = 0;
      break;
    case 'proxySizeZero':
      ps.size = 0;
      break;
    case 'clusterSizeZero':
      spec.size = 0;
      break;
    case 'clusterSizeMinus2':
      spec.size = -2;
      break;
    case 'noState':
      dropState();
      break;
    case 'twoStates':
      dropState();
      spec.stateStorage = { hostPath: { prefix: '/etc/ais' }, pvc: { storageClass: 'state-sc' } };
      break;
    case 'emptyState':
      spec.stateStorage = {};
      break;
    case 'legacyBoth':
      dropState();
      Object.assign(spec, { hostpathPrefix: '/etc/ais', stateStorageClass: 'state-sc' });
      break;
    case 'legacyClass':
      dropState();
      spec.stateStorageClass = 'state-sc';
      break;
    case 'stateNullMode':
      dropState();
      spec.stateStorage = { emptyDir: {}, hostPath: null };
      break;
    case 'shutdownEmptyDir':
      dropState();
      Object.assign(spec, { stateStorage: { emptyDir: {} }, shutdownCluster: true });
      break;
    case 'shutdownHostPath':
      dropState();
      Object.assign(spec, { stateStorage: { hostPath: { prefix: '/etc/ais' } }, shutdownCluster: true });
      break;
    case 'portZero':
      ts.portIntraData = 0;
      break;
    case 'portHigh':
      ps.servicePort = 65536;
      break;
    case 'portNamed':
      ts.portPublic = 'http';
      break;
    case 'portDigits':
      ps.portIntraControl = '51082';
      break;
    case 'portSigned':
      ts.servicePort = '+51081';
      break;
    case 'portUnset':
      delete ps.portIntraData;
      break;
    case 'tlsCertPath':
      spec.tls = { secretName: 'ais-tls' };
      spec.configToUpdate = { net: { http: { server_key: '/x/tls.key', use_https: true } } };
      break;
    case 'certPathNoTls':
      delete spec.tls;
      spec.configToUpdate = { net: { http: { server_crt: '/x/tls.crt' } } };
      break;
    case 'tlsOtherHttp':
      spec.tls = { secretName: 'ais-tls' };
      spec.configToUpdate = { net: { http: { use_https: true } } };
      break;
    case 'nodeSelectorNull':
      ts.nodeSelector = null;
      break;
  }
}

/**
 * A resource quantity as the CRD's pattern takes it (x-kubernetes-int-or-string): sub-milli values
 * (100u, 1.0005, 1e-4, 0.0001Ki, 1500n), whole milli-units spelled every way (1000u, 1.5, 250m,
 * 0.5Gi, 1e3, 2000000n), binary suffixes, exponents, bare JSON integers; and, drawn digit by digit,
 * decimals of up to nine fraction digits under any suffix, most of which are finer than 1m.
 */
const quantity: fc.Arbitrary<string | number> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | number>(
      '100u',
      '1000u',
      '1500u',
      '1.0005',
      '1.5m',
      '0.5m',
      '250m',
      '1',
      '1.5',
      '.5',
      '2.',
      '2Gi',
      '0.5Gi',
      '1.5Ki',
      '0.001Ki',
      '0.0001Ki',
      '0.000001Mi',
      '1e-4',
      '1e-3',
      '5E-4',
      '12e-4',
      '1.5e-3',
      '1e3',
      '1e-10',
      '2000000n',
      '1500n',
      '0',
      '0.0',
      '0u',
      4,
      0,
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        whole: fc.nat(1500),
        fraction: fc.array(fc.constantFrom('0', '0', '0', '1', '5', '9'), { maxLength: 9 }),
        suffix: fc.constantFrom('', '', 'n', 'u', 'm', 'k', 'M', 'Ki', 'Mi', 'Gi', 'e-3', 'e-6', 'E3', 'e0'),
      })
      .map(
        ({ whole, fraction, suffix }) => `${whole}${fraction.length ? `.${fraction.join('')}` : ''}${suffix}`,
      ),
  },
);

const resourceList = fc.record(
  { cpu: quantity, memory: quantity, 'ephemeral-storage': quantity },
  { requiredKeys: [] },
);

/** A container's resources: limits, requests or both (requests over limits left to the apiserver). */
const resourcesArb = fc.record({ limits: resourceList, requests: resourceList }, { requiredKeys: [] });

/** Drop undefined members, as a YAML/JSON manifest would not have them. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function crArb(name: string, namespace: string, plain = false) {
  return fc
    .record({
      size,
      targetSize: size,
      proxySize: fc.constantFrom(undefined, 1),
      autoScale: fc.constantFrom(
        undefined,
        { sizeLimit: 1 },
        { sizeLimit: 2 },
        { sizeLimit: 3, maxUnavailable: 1 },
      ),
      mounts: plain ? plainMounts : mounts,
      nodeSelector,
      proxyNodeSelector: nodeSelector,
      tolerations,
      affinity: affinity(name),
      disablePodAntiAffinity: fc.constantFrom(undefined, true, false),
      legacyDisablePodAntiAffinity: fc.constantFrom(undefined, undefined, true, false),
      hostPort: fc.constantFrom(undefined, undefined, undefined, 51081, 51081, 8080, 0),
      // The hostPort beside hostNetwork: true, drawn apart so that the refused pairing is not rare.
      // 51081 is the servicePort; 8080 makes the apiserver refuse the rendered template.
      hostNetworkPort: fc.constantFrom(undefined, 51081, 8080, 8080, 0),
      hostNetwork: fc.constantFrom(undefined, undefined, undefined, true, false),
      externalAccess: fc.constantFrom(undefined, undefined, {}, { annotations: { 'lb.example.com/x': 'y' } }),
      labels: fc.constantFrom(undefined, { team: 'storage' }, { 'app.kubernetes.io/name': 'other' }),
      state: stateStorage,
      mountingFields,
      fault: specFault,
      targetResources: fc.option(resourcesArb, { freq: 2 }),
      proxyResources: fc.option(resourcesArb, { freq: 3 }),
      // The log sidecar runs in both daemons' pods only with an image; its resources are compared too.
      logSidecar: fc.option(
        fc.record(
          { image: fc.constantFrom('docker.io/aistorage/ais-logs:v1', ''), resources: resourcesArb },
          { requiredKeys: ['image'] },
        ),
        { freq: 4 },
      ),
    })
    .map((g) => {
      const targetSpec = compact({
        size: g.targetSize,
        autoScale: g.autoScale,
        mounts: g.mounts,
        nodeSelector: g.nodeSelector,
        tolerations: g.tolerations,
        affinity: g.affinity,
        disablePodAntiAffinity: g.disablePodAntiAffinity,
        hostPort: g.hostNetwork === true ? g.hostNetworkPort : g.hostPort,
        hostNetwork: g.hostNetwork,
        externalAccess: g.externalAccess,
        labels: g.labels,
        resources: g.targetResources ?? undefined,
        scaleDownMode: 'safe_decommission', // CRD default
        ...ports(51081),
      });
      const proxySpec = compact({
        size: g.proxySize,
        nodeSelector: g.proxyNodeSelector,
        resources: g.proxyResources ?? undefined,
        ...ports(51080),
      });
      const spec = compact({
        size: g.size,
        disablePodAntiAffinity: g.legacyDisablePodAntiAffinity,
        nodeImage: 'docker.io/aistorage/aisnode:v3.30',
        initImage: 'docker.io/aistorage/ais-init:v3.30',
        publicNetDNSMode: 'IP', // CRD default
        ...g.state,
        ...g.mountingFields,
        logSidecar: g.logSidecar ?? undefined,
        proxySpec,
        targetSpec,
      });
      withFault(spec, g.fault);
      return {
        apiVersion: 'ais.nvidia.com/v1beta1',
        kind: 'AIStore',
        metadata: { name, namespace, uid: `uid-${namespace}-${name}` },
        spec,
      } as KubeObject;
    });
}

/** How the previous version of the CR differed from this one (an UPDATE). */
const change = fc.constantFrom(
  'none',
  'size',
  'hostPort',
  'mounts',
  'antiAffinity',
  'legacyField',
  'labels',
  // How the operator's Go types compare (equality.Semantic): an empty map that is a pointer, one that
  // is not, a Quantity written another way, the deprecated top-level LB switch.
  'emptyAffinity',
  'emptyValues',
  'mountSelector',
  'sizeSpelling',
  'externalLB',
  // validateStateStorageUpdate: onto claims, off them, to another class.
  'stateFrom',
  'stateClass',
  // More of what equality.Semantic decides (an outside review, "today14"), and a key the apiserver
  // prunes (no field of the operator's types) that the guard must not take for a change.
  'sizeDecimal',
  'affinityPart',
  'labelSelectorEmpty',
  'externalAccessAnnotations',
  'portSpelling',
  'hostNetworkFalse',
  'mountEmptyStrings',
  'stateBoth',
  'nodeSelectorTermsEmpty',
  'unknownField',
);

/**
 * A quarter of the UPDATEs: a scale-out from one target. The new targets' claims and pods come after
 * the UPDATE, onto the disks already made for them (update-output-passes), with anti-affinity fixed
 * as it was created.
 */
const update = fc.oneof(
  { weight: 3, arbitrary: change },
  { weight: 1, arbitrary: fc.constant('scaleOutFromOne') },
);

function previous(cr: KubeObject, how: string): KubeObject {
  const old = structuredClone(cr) as KubeObject & { spec: Record<string, unknown> };
  const ts = old.spec.targetSpec as Record<string, unknown>;
  switch (how) {
    case 'size':
      ts.size = typeof ts.size === 'number' && ts.size > 1 ? ts.size - 1 : 2;
      break;
    case 'hostPort':
      if (ts.hostPort === undefined) ts.hostPort = 51081;
      else delete ts.hostPort;
      break;
    case 'mounts':
      ts.mounts = [
        ...(ts.mounts as unknown[]).slice(0, 1),
        { path: '/old', size: '1Ti', storageClass: 'local-nvme' },
      ];
      break;
    case 'antiAffinity':
      ts.disablePodAntiAffinity = ts.disablePodAntiAffinity !== true;
      break;
    case 'legacyField':
      old.spec.disablePodAntiAffinity = true;
      break;
    case 'labels':
      ts.labels = { team: 'old' };
      break;
    case 'emptyAffinity':
      if (ts.affinity === undefined) ts.affinity = {};
      else delete ts.affinity;
      break;
    case 'emptyValues':
      ts.nodeSelector ??= {};
      ts.tolerations ??= [];
      break;
    case 'mountSelector': {
      const [first, ...rest] = ts.mounts as Record<string, unknown>[];
      ts.mounts = [{ ...first, selector: first?.selector === undefined ? {} : undefined }, ...rest];
      break;
    }
    case 'sizeSpelling':
      ts.mounts = (ts.mounts as Record<string, unknown>[]).map((m) =>
        m.size === '1Ti' ? { ...m, size: '1024Gi' } : m.size === '500Gi' ? { ...m, size: '0.5Ti' } : m,
      );
      break;
    case 'externalLB':
      old.spec.enableExternalLB = old.spec.enableExternalLB !== true;
      break;
    case 'sizeDecimal':
      ts.mounts = (ts.mounts as Record<string, unknown>[]).map((m) =>
        m.size === '4.1T' ? { ...m, size: '4100G' } : m.size === '1.1P' ? { ...m, size: '1100T' } : m,
      );
      break;
    case 'affinityPart': {
      const a = isObject(ts.affinity) ? { ...ts.affinity } : {};
      if (a.podAffinity === undefined) a.podAffinity = {};
      else delete a.podAffinity;
      ts.affinity = a;
      break;
    }
    case 'labelSelectorEmpty':
      ts.affinity = {
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, podAffinityTerm: { topologyKey: 'h', labelSelector: { matchLabels: {} } } },
          ],
        },
      };
      break;
    case 'externalAccessAnnotations':
      if (ts.externalAccess === undefined) ts.externalAccess = { annotations: {} };
      else if (isObject(ts.externalAccess) && ts.externalAccess.annotations === undefined)
        ts.externalAccess = { annotations: {} };
      else delete ts.externalAccess;
      break;
    case 'portSpelling':
      ts.portPublic = String(ts.portPublic);
      break;
    case 'hostNetworkFalse':
      if (ts.hostNetwork === undefined) ts.hostNetwork = false;
      else delete ts.hostNetwork;
      break;
    case 'mountEmptyStrings': {
      const [first, ...rest] = ts.mounts as Record<string, unknown>[];
      ts.mounts = [{ ...first, label: first?.label === undefined ? '' : undefined }, ...rest];
      break;
    }
    case 'stateBoth':
      if (old.spec.stateStorage !== undefined) old.spec.stateStorageClass = 'state-sc';
      else old.spec.stateStorage = { pvc: { storageClass: 'state-sc' } };
      break;
    case 'nodeSelectorTermsEmpty':
      ts.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } };
      break;
    case 'scaleOutFromOne':
      ts.size = 1;
      if (old.spec.size === -1) delete old.spec.size;
      break;
    case 'unknownField':
      // Not `hostport`: encoding/json would match it to hostPort ignoring case, where the apiserver's
      // pruning (case-sensitive) drops it before the operator decodes anything.
      ts.hostPorts = [51081];
      break;
    case 'stateFrom':
    case 'stateClass': {
      const claims = isObject(old.spec.stateStorage) && isObject(old.spec.stateStorage.pvc);
      for (const key of ['stateStorage', 'stateStorageClass', 'hostpathPrefix']) delete old.spec[key];
      if (how === 'stateClass') old.spec.stateStorageClass = claims ? 'old-sc' : 'state-sc';
      else if (claims) old.spec.stateStorage = { hostPath: { prefix: '/etc/ais' } };
      else old.spec.stateStorage = { pvc: { storageClass: 'state-sc' } };
      break;
    }
  }
  return old;
}

interface DiskLayout {
  hosts: number[];
  capacity: string | undefined;
}

/** Where each target's disks are (a node index per ordinal, taken modulo the nodes) and how big. */
const diskLayout: fc.Arbitrary<DiskLayout | null> = fc.option(
  fc.record({
    hosts: fc.array(fc.nat(4), { minLength: 4, maxLength: 4 }),
    capacity: fc.constantFrom(undefined, undefined, '10Ti', '100Gi'),
  }),
  { freq: 2 },
);

/**
 * The PVs a user makes for a fixed-size CR's targets: named and pre-bound independently of the
 * guard's naming (`<cr><path, "/" as "-">-<cr>-target-<N>`), of the mount's class and size (or a
 * generated capacity), each on its own path of its target's node.
 */
function disksFor(cr: KubeObject, nodes: KubeObject[], layout: DiskLayout | null): KubeObject[] {
  if (!layout) return [];
  const spec = cr.spec as { size?: number; targetSpec: { size?: number; mounts: Record<string, unknown>[] } };
  const size = spec.targetSpec.size ?? spec.size;
  if (typeof size !== 'number' || size < 1 || spec.size === -1) return [];
  const name = String(cr.metadata?.name);
  const namespace = String(cr.metadata?.namespace);
  // Mostly on nodes the targets may use, as a user places them (nodeSelector, a pool affinity, no
  // hard taint); all nodes when none is, so that a PV on a node they cannot use is made too.
  const selector = Object.entries(
    (spec.targetSpec as { nodeSelector?: Record<string, string> }).nodeSelector ?? {},
  );
  const pool = JSON.stringify((spec.targetSpec as { affinity?: unknown }).affinity ?? {}).includes('"pool"');
  const usable = nodes.filter((node) => {
    const labels = node.metadata?.labels ?? {};
    const taints = ((node.spec ?? {}) as { taints?: { effect: string }[] }).taints ?? [];
    return (
      selector.every(([k, v]) => labels[k] === v) &&
      (!pool || labels.pool === 'a') &&
      !taints.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    );
  });
  const hosts = usable.length > 0 ? usable : nodes;
  const out: KubeObject[] = [];
  for (let n = 0; n < size; n++) {
    const host = String(hosts[(layout.hosts[n] ?? 0) % hosts.length]?.metadata?.name);
    spec.targetSpec.mounts.forEach((m, i) => {
      if (m.useHostPath === true) return;
      const claim = `${name}${String(m.path).replaceAll('/', '-')}-${name}-target-${n}`;
      const disk = pv(`pv-${name}-${n}-${i}`, {
        claim,
        claimNamespace: namespace,
        host,
        path: `/mnt/disk-${n}-${i}`,
        local: true,
        capacity: layout.capacity ?? (typeof m.size === 'string' ? m.size : '1Ti'),
        storageClass: typeof m.storageClass === 'string' ? m.storageClass : 'local-nvme',
      });
      out.push({ ...disk, status: { phase: 'Available' } } as KubeObject);
    });
  }
  return out;
}

export const caseArb: fc.Arbitrary<OracleCase> = fc
  .record({
    name: fc.constantFrom(...CR_NAMES),
    namespace: fc.constantFrom(...NAMESPACES),
    neighbourNames: fc.subarray([...CR_NAMES], { maxLength: 2 }),
    nodes: nodesArb,
    update: fc.option(update, { freq: 3 }),
    disks: diskLayout,
    plain: fc.boolean(),
  })
  .chain(({ name, namespace, neighbourNames, nodes, update: how, disks, plain }) =>
    fc
      .tuple(
        crArb(name, namespace, plain),
        fc.tuple(...neighbourNames.filter((n) => n !== name).map((n) => crArb(n, namespace))),
      )
      .map(([cr, neighbours]) => ({
        namespace,
        cr,
        neighbours,
        nodes,
        pvs: disksFor(cr, nodes, disks),
        ...(how ? { old: previous(cr, how) } : {}),
      })),
  );
