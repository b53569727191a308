import { describe, it } from '@jest/globals';
import { aistore, targetStatefulSet } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';
import type { KubeObject } from '../index.js';

const long = '/' + 'x'.repeat(60);

/** The CR with its state on a claim (spec.stateStorage.pvc). */
function withState(cr: KubeObject): KubeObject {
  const out = structuredClone(cr) as KubeObject & { spec: Record<string, unknown> };
  out.spec.stateStorage = { pvc: { storageClass: 'local-path', size: '1Gi' } };
  return out;
}

const rows: Row[] = [
  { name: 'valid mount', object: aistore(), expect: {} },
  {
    name: 'relative path',
    object: aistore({ mounts: [{ path: 'data/aistore' }] }),
    expect: { deny: [/must be absolute/] },
  },
  {
    name: 'trailing slash',
    object: aistore({ mounts: [{ path: '/data/aistore/' }] }),
    expect: { deny: [/must not end with "\/"/] },
  },
  {
    // The operator path.Join-s a hostPath mount (target/volumes.go appendHostPathDataVolumes).
    name: 'trailing slash on a useHostPath mount: fine',
    object: aistore({ mounts: [{ path: '/ais/disk0/', useHostPath: true }] }),
    expect: {},
  },
  {
    name: 'relative useHostPath mount',
    object: aistore({ mounts: [{ path: 'ais/disk0', useHostPath: true }] }),
    expect: { deny: [/mount path "ais\/disk0" must be absolute\.$/] },
  },
  {
    // newTargetPVCs (target/volumes.go) adds the state template <ns>-<cr>-state after the data ones.
    name: 'a data mount named as the state claim template',
    object: withState(aistore({ namespace: 'ais', mounts: [{ path: '/ais/state', size: '1Ti' }] })),
    expect: {
      deny: [
        /mount \/ais\/state becomes the claim template "ais-ais-state", the name of the state storage's/,
      ],
    },
  },
  {
    name: 'the same mount with the state on a hostPath: fine',
    object: aistore({ namespace: 'ais', mounts: [{ path: '/ais/state', size: '1Ti' }] }),
    expect: {},
  },
  {
    // cmn/res.go getStatePVCName: <ns>-<cr>-state, each target pod's volume name (review "lifecycle3", F4).
    name: 'a state claim template over 63 characters',
    object: withState(
      aistore({ name: 'ais-cluster-01', namespace: 'aistore-object-storage-production-eu-west-1a' }),
    ),
    expect: {
      deny: [
        /the state storage's claim template "aistore-object-storage-production-eu-west-1a-ais-cluster-01-state" \(<namespace>-<cr>-state\) is 65 characters long .*refuses them all/,
      ],
    },
  },
  {
    name: 'the same names with the state on a hostPath: fine',
    object: aistore({ name: 'ais-cluster-01', namespace: 'aistore-object-storage-production-eu-west-1a' }),
    expect: {},
  },
  {
    name: 'a state claim in a manifest with no namespace: left to the webhook',
    object: (() => {
      const cr = withState(aistore());
      delete (cr.metadata as Record<string, unknown>).namespace;
      return cr;
    })(),
    expect: {},
  },
  {
    // Mount.GetPVCResources: no size, or under one byte, requests no storage.
    name: 'a claim-backed mount without a size',
    object: aistore({ mounts: [{ path: '/data' }] }),
    expect: { deny: [/mount \/data has no size: the operator's claim template for it requests no storage/] },
  },
  {
    name: 'a claim-backed mount of half a byte',
    object: aistore({ mounts: [{ path: '/data', size: '0.5' }] }),
    expect: { deny: [/mount \/data has size 0.5, under one byte/] },
  },
  {
    // Review "today14b": the operator rounds the size down to whole bytes (100n is 0) ...
    name: 'a claim-backed mount of 100 nano-bytes',
    object: aistore({ mounts: [{ path: '/data', size: '100n' }] }),
    expect: { deny: [/mount \/data has size 100n, under one byte/] },
  },
  {
    // ... reads them as an int64, which 10E overflows (to a negative count: no storage requested) ...
    name: 'a claim-backed mount of 10E, past int64 bytes',
    object: aistore({ mounts: [{ path: '/data', size: '10E' }] }),
    expect: { deny: [/mount \/data has size 10E, past the 2\^63-1 bytes/] },
  },
  {
    // ... and for 1e99999999, which the CRD's pattern admits, builds 10^99999999 first: 48 s of CPU
    // per reconcile measured (apimachinery v0.36.1). The guard does not build it.
    name: 'a claim-backed mount of 1e99999999',
    object: aistore({ mounts: [{ path: '/data', size: '1e99999999' }] }),
    expect: { deny: [/mount \/data has size 1e99999999, which is no size a disk has/] },
  },
  {
    name: 'a claim-backed mount of 8Ti, written every way, is fine',
    object: aistore({
      mounts: [
        { path: '/data', size: '8796093022208' },
        { path: '/data2', size: '8.796093022208e12' },
      ],
    }),
    expect: {},
  },
  // Review atk55-B: Mount.BuildPVC copies the selector; ValidatePersistentVolumeClaimSpec refuses the claims.
  {
    name: 'a mount selector Kubernetes reads',
    object: aistore({
      mounts: [
        {
          path: '/data',
          size: '8Ti',
          storageClass: 'local',
          selector: {
            matchLabels: { 'ais.nvidia.com/disk': 'nvme0' },
            matchExpressions: [
              { key: 'disk', operator: 'In', values: ['a', 'b'] },
              { key: 'spare', operator: 'DoesNotExist' },
            ],
          },
        },
      ],
    }),
    expect: {},
  },
  {
    name: 'a mount selector with In and no values, and a value with a "/"',
    object: aistore({
      mounts: [
        {
          path: '/data',
          size: '8Ti',
          storageClass: 'local',
          selector: {
            matchLabels: { disk: 'nvme/ssd' },
            matchExpressions: [{ key: 'disk', operator: 'In' }],
          },
        },
      ],
    }),
    expect: {
      warn: [
        /^mount \/data has a selector Kubernetes cannot read: selector: matchLabels disk: "nvme\/ssd" is no label value; selector.matchExpressions\[0\]: operator In needs values\. Kubernetes refuses every claim made from the mount's claim template/,
      ],
    },
  },
  {
    name: 'a useHostPath mount makes no claim: its selector is not read',
    object: aistore({
      mounts: [{ path: '/data', useHostPath: true, selector: { matchLabels: { 'a b': 'c' } } }],
    }),
    expect: {},
  },
  {
    // Review plan47: the StatefulSet is taken, and every claim made from the template refused
    // (k8s core validation ValidatePersistentVolumeClaimSpec -> ValidateClassName).
    name: 'a mount of a storage class that is no class name (uppercase, underscore)',
    object: aistore({ mounts: [{ path: '/data', size: '8Ti', storageClass: 'Fast_SSD' }] }),
    expect: { deny: [/mount \/data asks for storage class "Fast_SSD", which is no class name/] },
  },
  {
    name: 'a mount class of 254 characters',
    object: aistore({ mounts: [{ path: '/data', size: '8Ti', storageClass: 'a'.repeat(254) }] }),
    expect: { deny: [/which is no class name \(a DNS-1123 subdomain: .* at most 253 characters\)/] },
  },
  {
    name: 'mount classes Kubernetes takes: a dotted name of 253 characters, and "" (no class)',
    object: aistore({
      mounts: [
        {
          path: '/data',
          size: '8Ti',
          storageClass: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
        },
        { path: '/data2', size: '8Ti', storageClass: '' },
      ],
    }),
    expect: {},
  },
  {
    name: 'a state claim class that is no class name',
    object: (() => {
      const cr = withState(aistore()) as KubeObject & {
        spec: { stateStorage: { pvc: Record<string, unknown> } };
      };
      cr.spec.stateStorage.pvc.storageClass = 'Local.Path';
      return cr;
    })(),
    expect: { deny: [/the state storage's class "Local.Path" is no class name/] },
  },
  {
    name: 'a useHostPath mount needs no size',
    object: aistore({ mounts: [{ path: '/data', useHostPath: true }] }),
    expect: {},
  },
  {
    name: 'uppercase path',
    object: aistore({ mounts: [{ path: '/Data' }] }),
    expect: { deny: [/"ais-Data", which is not a DNS-1123 label/] },
  },
  {
    name: 'underscore',
    object: aistore({ mounts: [{ path: '/data_1' }] }),
    expect: { deny: [/not a DNS-1123 label/] },
  },
  {
    name: 'too long',
    object: aistore({ mounts: [{ path: long }] }),
    expect: { deny: [/is 64 characters long/] },
  },
  {
    name: 'duplicate mounts',
    object: aistore({
      mounts: [
        { path: '/data', size: '1Ti' },
        { path: '/data', size: '1Ti' },
      ],
    }),
    expect: { deny: [/mounts \/data and \/data both become the claim template "ais-data"/] },
  },
  {
    name: 'hostPath mounts make no template',
    object: aistore({ mounts: [{ path: '/Data_X', useHostPath: true }] }),
    expect: {},
  },
  { name: 'StatefulSet templates valid', object: targetStatefulSet(), expect: {} },
  {
    name: 'StatefulSet template invalid',
    object: targetStatefulSet({ templates: ['Bad_Name'] }),
    expect: { deny: [/volumeClaimTemplate "Bad_Name" is not a DNS-1123 label/] },
  },
  {
    // The StatefulSet controller puts the claim in the pod volume's place (stateful_set_utils.go updateStorage).
    name: 'StatefulSet template named like one of its pod volumes',
    object: (() => {
      const set = targetStatefulSet({ templates: ['state-mount'] });
      const pod = (set.spec as { template: { spec: Record<string, unknown> } }).template.spec;
      pod.volumes = [{ name: 'state-mount', emptyDir: {} }];
      return set;
    })(),
    expect: { deny: [/volumeClaimTemplate "state-mount" has the name of a pod volume of the template/] },
  },
  {
    name: 'a CR mount whose template is an operator volume, turned on or not',
    object: aistore({ name: 'gcp', mounts: [{ path: '/creds', size: '1Ti' }] }),
    expect: {
      deny: [
        /claim template "gcp-creds", the name of the pod volume the operator adds for the GCP credentials \(when spec.gcpSecretName is set; denied either way/,
      ],
    },
  },
  {
    name: 'StatefulSet lacks the template of a CR mount',
    object: targetStatefulSet({ templates: ['ais-data-aistore'] }),
    context: [aistore({ mounts: [{ path: '/data/aistore' }, { path: '/data/ssd' }] })],
    expect: { warn: [/mount \/data\/ssd of AIStore ais has no volumeClaimTemplate "ais-data-ssd"/] },
  },
  {
    // ais (mount /ais/data/ais) and ais-ais (mount /data) both make ais-ais-data-ais-ais-target-<N>: the
    // StatefulSet controller uses a claim that exists as it is (stateful_pod_control.go).
    name: 'a CR whose claims another CR of the namespace makes',
    object: aistore({ name: 'ais-ais', mounts: [{ path: '/data', size: '1Ti' }] }),
    context: [aistore({ name: 'ais', mounts: [{ path: '/ais/data/ais', size: '1Ti' }] })],
    expect: {
      deny: [
        /mount \/data of AIStore ais-ais makes the claims ais-ais-data-ais-ais-target-0, -1, …, which AIStore ais's claim template "ais-ais-data-ais" makes too/,
      ],
    },
  },
  {
    name: 'CRs ais and ais-2 side by side: their claims differ',
    object: aistore({ name: 'ais-2' }),
    context: [aistore({ name: 'ais' })],
    expect: {},
  },
];

describe('rule mount-template-name', () => {
  it.each(rows)('$name', (row) => {
    checkRow('mount-template-name', row);
  });
});
