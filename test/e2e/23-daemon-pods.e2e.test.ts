// Rules daemon-resources-refused, daemon-placement-refused, daemon-ports-refused (its hostPort half),
// daemon-security-refused, daemon-env-refused, daemon-metadata-refused and target-host-network-port against the two codes they predict:
// the operator's own rendering of the target StatefulSet (the oracle binary, test/oracle:
// target.NewTargetSS, with its ephemeral-storage request and log sidecar) and the real apiserver's
// validation of the pods made from it. Kubernetes 1.33 does not validate a StatefulSet's pod template
// (pkg/apis/apps/validation ValidatePodTemplateSpecForStatefulSet leaves it out; 1.36 validates
// it), so the refusal comes when the StatefulSet controller creates a target pod: here a server-side
// dry-run create of target 0 as that controller makes it (test/oracle/support/statefulset-
// controller.ts). For each CR the guard warns exactly when the apiserver refuses that pod; the
// StatefulSet itself is accepted on 1.33, and refused with the pod on 1.36 (run this file there with
// `K8S_VERSION=v1.36.3 test/e2e/run.sh 23-daemon-pods`), as the rules' messages say. Pod labels and
// annotations are the exception: every version validates them on the StatefulSet's template, so
// where daemon-metadata-refused warns, the StatefulSet is refused on 1.33 too. Needs the
// operator source (AIS_K8S_SOURCE), as the whole e2e stage does; builds or reuses the cached oracle.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { EMPTY_CONTEXT, evaluate, type KubeObject } from '../../src/policy/index.js';
import { OracleProcess } from '../oracle/support/oracle-process.js';
import { podsAndClaims } from '../oracle/support/statefulset-controller.js';
import { aistore } from '../support/builders.js';
import { attempt, Cleanup, create, type Obj } from './support/kube.js';

const cleanup = new Cleanup();
/** Whether this apiserver validates a StatefulSet's pod template (1.36 does, 1.33 does not). */
const [major = 0, minor = 0] = (process.env.E2E_K8S_VERSION ?? '').replace(/^v/, '').split('.').map(Number);
const TEMPLATE_VALIDATED = major > 1 || (major === 1 && minor >= 36);
let namespace: string;
let oracle: OracleProcess;

beforeAll(async () => {
  const built = execFileSync('test/oracle/build.sh', {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  oracle = new OracleProcess(built.trim().split('\n').at(-1)!);
  namespace = await cleanup.namespace('daemon-pods');
}, 1_200_000);
afterAll(async () => {
  await oracle?.close();
  await cleanup.run();
});

interface Case {
  resources?: Record<string, unknown>;
  /** Other targetSpec fields. */
  target?: Record<string, unknown>;
  maxTotal?: string;
  sidecar?: Record<string, unknown>;
}

function crOf(c: Case, i: number): KubeObject {
  const cr = structuredClone(aistore());
  // A uid, so the owner reference the operator sets on its StatefulSet is one the apiserver takes.
  cr.metadata = { name: `ais${i}`, namespace };
  (cr.metadata as Record<string, unknown>).uid = `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
  const spec = cr.spec as Record<string, Record<string, unknown>>;
  (spec as Record<string, unknown>).initImage = 'aistorage/ais-init:v3.30'; // a pod needs every image
  if (c.resources) spec.targetSpec!.resources = c.resources;
  Object.assign(spec.targetSpec!, c.target);
  if (c.maxTotal) spec.configToUpdate = { log: { max_total: c.maxTotal } };
  if (c.sidecar) spec.logSidecar = { image: 'busybox:1.36', resources: c.sidecar };
  return cr;
}

/** The rule's rows (src/policy/rules/daemon-resources-refused.test.ts), as resource lists. */
const WRITTEN: Case[] = [
  {},
  {
    resources: {
      requests: { cpu: '1', memory: '8Gi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: 2, memory: '16Gi', 'ephemeral-storage': '2Gi', 'nvidia.com/gpu': 1 },
    },
  },
  { resources: { requests: { memory: '16Gi' }, limits: { memory: '8Gi' } } },
  { resources: { requests: { cpu: '1500m' }, limits: { cpu: '1.5' } } },
  { resources: { requests: { cpu: '1.5m' }, limits: { cpu: '1.2m' } } },
  { resources: { limits: { 'ephemeral-storage': '500Mi' } } },
  { resources: { limits: { 'ephemeral-storage': '656Mi' } } },
  { resources: { limits: { 'ephemeral-storage': '655Mi' } } },
  { resources: { limits: { 'ephemeral-storage': '1Gi' } }, maxTotal: '1GiB' },
  { resources: { limits: { 'ephemeral-storage': '2Gi' } }, maxTotal: '1.5G' },
  { resources: { requests: { 'ephemeral-storage': 0 }, limits: { 'ephemeral-storage': '600Mi' } } },
  { maxTotal: '-1GiB' },
  { resources: { requests: { 'ephemeral-storage': '400Mi' }, limits: { 'ephemeral-storage': '500Mi' } } },
  { resources: { requests: { 'nvidia.com/gpu': 1 } } },
  { resources: { requests: { 'nvidia.com/gpu': 1 }, limits: { 'nvidia.com/gpu': 2 } } },
  { resources: { limits: { 'nvidia.com/gpu': '0.5' } } },
  { resources: { requests: { storage: '100Gi' } } },
  { resources: { limits: { gpu: 1 } } },
  { resources: { limits: { 'example.com/a/b': 1 } } },
  { resources: { limits: { 'kubernetes.io/foo': 1 } } },
  { resources: { limits: { cpu: '-1' } } },
  { resources: { limits: { 'hugepages-2Mi': '3Mi' }, requests: { 'hugepages-2Mi': '2Mi' } } },
  { resources: { limits: { 'hugepages-2Mi': '4Mi', memory: '1Gi' }, requests: { 'hugepages-2Mi': '4Mi' } } },
  { resources: { limits: { 'hugepages-2Mi': '4Mi' } } },
  { sidecar: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } },
  { sidecar: { limits: { 'ephemeral-storage': '1Mi' } } },
  // daemon-placement-refused.
  { target: { nodeSelector: { 'kubernetes.io/hostname': 'node-1', 'ais.nvidia.com/disks': '' } } },
  { target: { nodeSelector: { pool: 'ais nodes' } } },
  { target: { nodeSelector: { 'ais/pool/a': 'x' } } },
  { target: { nodeSelector: { pool: 'a'.repeat(64) } } },
  {
    target: {
      tolerations: [{ key: 'ais', operator: 'Exists', effect: 'NoSchedule' }, { operator: 'Exists' }],
    },
  },
  {
    target: {
      tolerations: [
        { key: 'd', operator: 'Equal', value: 'ais', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
    },
  },
  { target: { tolerations: [{ key: 'ais', operator: 'Exists', value: 'true', effect: 'NoSchedule' }] } },
  { target: { tolerations: [{ operator: 'Equal', value: 'x' }] } },
  {
    target: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }] },
  },
  { target: { tolerations: [{ key: 'a', operator: 'exists', effect: 'Noschedule' }] } },
  { target: { tolerations: [{ key: 'a b', value: 'x y' }] } },
  // Node affinity (validateNodeAffinity), which the operator copies as written: review sched46.
  ...[
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1', 'n2'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'Exists' }] },
    { matchFields: [{ key: 'metadata.labels', operator: 'In', values: ['x'] }] },
    {
      matchExpressions: [
        { key: 'gen', operator: 'Gt', values: ['5'] },
        { key: 'ssd', operator: 'Exists' },
      ],
    },
    { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['+5'] }] },
    { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['5', '6'] }] },
    { matchExpressions: [{ key: 'zone', operator: 'In', values: [] }] },
    { matchExpressions: [{ key: 'ssd', operator: 'Exists', values: ['x'] }] },
    { matchExpressions: [{ key: 'zone', operator: 'Equals', values: ['a'] }] },
  ].map((term) => ({
    target: {
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } },
      },
    },
  })),
  {
    target: {
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } },
      },
    },
  },
  ...[0, 1, 100, 101].map((weight) => ({
    target: {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight, preference: { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['+5'] }] } },
          ],
        },
      },
    },
  })),
  // Pod affinity and anti-affinity (validatePodAffinity, validatePodAntiAffinity), copied as written
  // (CreateAISAffinity adds its own anti-affinity only where none is given): review atk55-B.
  ...[
    { labelSelector: { matchLabels: { app: 'ais' } }, topologyKey: 'kubernetes.io/hostname' },
    { labelSelector: { matchLabels: { app: 'ais' } }, topologyKey: '' },
    { labelSelector: { matchLabels: { app: 'ais' } }, topologyKey: 'not a key' },
    { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] }, topologyKey: 'zone' },
    {
      labelSelector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      topologyKey: 'z',
    },
    {
      labelSelector: { matchExpressions: [{ key: 'rank', operator: 'Gt', values: ['1'] }] },
      topologyKey: 'z',
    },
    { labelSelector: { matchLabels: { disk: 'nvme/ssd' } }, topologyKey: 'kubernetes.io/hostname' },
    { namespaceSelector: { matchLabels: { 'a b': 'x' } }, topologyKey: 'kubernetes.io/hostname' },
    { namespaces: ['Ais'], topologyKey: 'kubernetes.io/hostname' },
  ].map((term) => ({
    target: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } },
  })),
  ...[0, 1, 100, 101].map((weight) => ({
    target: {
      affinity: {
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight, podAffinityTerm: { labelSelector: {}, topologyKey: 'kubernetes.io/hostname' } },
          ],
        },
      },
    },
  })),
  // daemon-ports-refused, validateContainerPorts: the hostPort NewDaemonPorts copies onto the container port.
  ...[-1, 1, 65535, 65536].map((hostPort) => ({ target: { hostPort } })),
  // daemon-metadata-refused: the StatefulSet itself is refused, on every version.
  { target: { labels: { team: 'data-platform', 'example.com/tier': '' } } },
  { target: { labels: { team: 'data platform' } } },
  { target: { labels: { commit: 'a'.repeat(64) } } },
  { target: { labels: { 'ais/team/a': 'x' } } },
  { target: { annotations: { 'Example.COM/Owner': 'anyone: {"json": true}' } } },
  { target: { annotations: { 'Owner Team': 'x' } } },
  { target: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-007' } } },
  { target: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '2147483648' } } },
  { target: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '+1' } } },
  { target: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '01' } } },
  { target: { annotations: { 'kubernetes.io/config.mirror': 'x' } } },
  { target: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } } },
  { target: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'RuntimeDefault' } } },
  {
    target: {
      annotations: { 'container.seccomp.security.alpha.kubernetes.io/ais-node': 'localhost/p/a.json' },
    },
  },
  {
    target: { annotations: { 'container.seccomp.security.alpha.kubernetes.io/ais-node': 'localhost/../x' } },
  },
  { target: { annotations: { 'container.seccomp.security.alpha.kubernetes.io/ais-node': 'localhost//x' } } },
  {
    target: { annotations: { 'container.apparmor.security.beta.kubernetes.io/ais-node': 'runtime/default' } },
  },
  { target: { annotations: { 'container.apparmor.security.beta.kubernetes.io/ais-node': 'localhost/ais' } } },
  {
    target: { annotations: { 'container.apparmor.security.beta.kubernetes.io/ais-node': 'RuntimeDefault' } },
  },
  { target: { annotations: { 'container.apparmor.security.beta.kubernetes.io/ais': 'runtime/default' } } },
  {
    target: { annotations: { 'container.apparmor.security.beta.kubernetes.io/populate-env': 'unconfined' } },
  },
  {
    target: { annotations: { 'container.apparmor.security.beta.kubernetes.io/ais-logs': 'unconfined' } },
    sidecar: {},
  },
  { target: { annotations: { 'container.apparmor.security.beta.kubernetes.io/ais-logs': 'unconfined' } } },
  { target: { annotations: { a: 'é'.repeat(131_060) } } },
  { target: { annotations: { a: 'x'.repeat(262_000) } } },
  // daemon-security-refused.
  {
    target: {
      securityContext: {
        runAsUser: 0,
        runAsGroup: 2147483647,
        supplementalGroups: [0, 5],
        fsGroupChangePolicy: 'OnRootMismatch',
        supplementalGroupsPolicy: 'Strict',
        seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/ais.json' },
        appArmorProfile: { type: 'RuntimeDefault' },
      },
      aisContainerSecurityContext: {
        procMount: 'Default',
        allowPrivilegeEscalation: false,
        capabilities: { add: ['SYS_ADMIN'] },
        seccompProfile: { type: 'Localhost', localhostProfile: '' },
        appArmorProfile: { type: 'Localhost', localhostProfile: 'ais' },
      },
    },
  },
  { target: { securityContext: { runAsUser: -1 } } },
  { target: { securityContext: { fsGroup: 2147483648 } } },
  { target: { securityContext: { supplementalGroups: [1, -5] } } },
  { target: { securityContext: { fsGroupChangePolicy: 'onRootMismatch' } } },
  { target: { securityContext: { supplementalGroupsPolicy: 'merge' } } },
  { target: { securityContext: { seccompProfile: { type: 'runtime/default' } } } },
  { target: { securityContext: { seccompProfile: { type: 'Localhost' } } } },
  { target: { securityContext: { seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'x' } } } },
  { target: { securityContext: { appArmorProfile: { type: '' } } } },
  {
    target: {
      securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'x'.repeat(4096) } },
    },
  },
  { target: { aisContainerSecurityContext: { runAsGroup: -1 } } },
  { target: { aisContainerSecurityContext: { procMount: 'Unmasked' } } },
  { target: { aisContainerSecurityContext: { procMount: 'default' } } },
  {
    target: {
      aisContainerSecurityContext: { seccompProfile: { type: 'Localhost', localhostProfile: '/x' } },
    },
  },
  {
    target: {
      aisContainerSecurityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'a/../x' } },
    },
  },
  {
    target: {
      aisContainerSecurityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: ' ais' } },
    },
  },
  {
    target: { aisContainerSecurityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: '' } } },
  },
  {
    target: {
      aisContainerSecurityContext: { appArmorProfile: { type: 'Unconfined', localhostProfile: 'x' } },
    },
  },
  {
    target: {
      aisContainerSecurityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { add: ['CAP_SYS_ADMIN'] },
      },
    },
  },
  { target: { capabilities: { runAsUser: -1 } } },
  { target: { capabilities: { runAsUser: -1 }, aisContainerSecurityContext: {} } },
  // Review daemon39: what the operator writes over, Go's ToLower and TrimSpace, sysctls, tolerations.
  { target: { labels: { app: 'not a value!', 'app.kubernetes.io/managed-by': '-x-' } } },
  { target: { annotations: { 'example.com/\u0130d': 'x' } } },
  { target: { annotations: { 'scheduler.alpha.kubernetes.io/tolerations': 'not json' } } },
  { target: { annotations: { 'scheduler.alpha.kubernetes.io/tolerations': '{"key":"a"}' } } },
  { target: { annotations: { 'scheduler.alpha.kubernetes.io/tolerations': 'null' } } },
  {
    target: {
      annotations: { 'scheduler.alpha.kubernetes.io/tolerations': '[{"key":"a","operator":"Exists"}]' },
    },
  },
  { target: { securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'ais\u0085' } } } },
  { target: { securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: '\ufeffais' } } } },
  { target: { securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] } } },
  { target: { securityContext: { sysctls: [{ name: 'Net.Core.Somaxconn', value: '1' }] } } },
  {
    target: {
      securityContext: {
        sysctls: [
          { name: 'net.core.somaxconn', value: '1' },
          { name: 'net.core.somaxconn', value: '2' },
        ],
      },
    },
  },
  {
    target: { securityContext: { sysctls: [{ name: 'net/ipv4/ip_local_port_range', value: '1024 65000' }] } },
  },
  {
    target: {
      size: 1,
      hostNetwork: true,
      securityContext: { sysctls: [{ name: 'net/ipv4/ip_local_port_range', value: '1024 65000' }] },
    },
  },
  {
    target: {
      size: 1,
      hostNetwork: true,
      securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] },
    },
  },
  // daemon-env-refused.
  {
    target: {
      env: [
        { name: 'AIS_LOG_LEVEL', value: '3' },
        { name: 'my.setting-1 with spaces', value: '' },
        { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.host' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" } } },
        { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['Example.com/Note']" } } },
        { name: 'HUGE', valueFrom: { resourceFieldRef: { resource: 'requests.hugepages-2Mi' } } },
        {
          name: 'CONF',
          valueFrom: { configMapKeyRef: { name: 'ais.conf', key: '.hidden', optional: true } },
        },
      ],
    },
  },
  { target: { env: [{ name: 'A=B', value: '1' }] } },
  { target: { env: [{ name: '' }] } },
  { target: { env: [{ name: 'PFAD_Ä' }] } },
  { target: { env: [{ name: 'A\tB' }] } },
  { target: { env: [{ name: 'A', valueFrom: {} }] } },
  { target: { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: "['a']" } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: "metadata.labels['a']['b']" } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: "spec.nodeName['a']" } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { resourceFieldRef: { resource: 'limits.hugepages-x' } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: '', key: 'k' } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'a'.repeat(254), key: 'k' } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 'k'.repeat(254) } } }] } },
  { target: { env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: '.' } } }] } },
  // target-host-network-port, outside a multi-target layout (one target).
  { target: { size: 1, hostNetwork: true, hostPort: 8080 } },
  { target: { size: 1, hostNetwork: true, hostPort: 51081 } },
];

/** The rules whose warnings say Kubernetes refuses the target pods. */
const POD_RULES = new Set([
  'daemon-resources-refused',
  'daemon-placement-refused',
  'daemon-ports-refused',
  'daemon-metadata-refused',
  'daemon-security-refused',
  'daemon-env-refused',
  'target-host-network-port',
]);
/** The rule whose warnings say every version refuses the target StatefulSet itself. */
const STATEFULSET_RULE = 'daemon-metadata-refused';

/** Random lists from the names and quantities where the edges are. */
const NAMES = ['cpu', 'memory', 'ephemeral-storage', 'nvidia.com/gpu', 'hugepages-2Mi', 'storage'];
const QUANTITIES = [
  '0',
  '1',
  '2',
  '0.5',
  '1500m',
  '1.5m',
  '1.2m',
  '-1',
  '2Mi',
  '3Mi',
  '4Mi',
  '500Mi',
  '655Mi',
  '656Mi',
  '657Mi',
  '1Gi',
  '8Gi',
];
const list = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...QUANTITIES), { maxKeys: 3 });
const RANDOM: Case[] = fc.sample(
  fc.record(
    {
      resources: fc.record({ limits: list, requests: list }, { requiredKeys: [] }),
      maxTotal: fc.constantFrom('100MiB', '1GiB', '512MiB'),
      sidecar: fc.record({ limits: list, requests: list }, { requiredKeys: [] }),
    },
    { requiredKeys: ['resources'] },
  ),
  { seed: 23, numRuns: 150 },
);
/** Random nodeSelectors and tolerations from the keys, values, operators and effects where the edges are. */
const toleration = fc.record(
  {
    key: fc.constantFrom('', 'a', 'a b', 'ais.nvidia.com/x'),
    operator: fc.constantFrom('', 'Equal', 'Exists', 'exists'),
    value: fc.constantFrom('', 'x', 'x y'),
    effect: fc.constantFrom('', 'NoSchedule', 'NoExecute', 'Noschedule'),
    tolerationSeconds: fc.constant(60),
  },
  { requiredKeys: [] },
);
const PLACEMENT: Case[] = fc
  .sample(
    fc.record(
      {
        nodeSelector: fc.dictionary(
          fc.constantFrom('pool', 'a b', 'x/y/z', 'kubernetes.io/hostname'),
          fc.constantFrom('', 'n1', 'a b', 'a'.repeat(64)),
          { maxKeys: 2 },
        ),
        tolerations: fc.array(toleration, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    { seed: 23, numRuns: 100 },
  )
  .map((target) => ({ target }));

/**
 * Random security contexts from the ids, policies and profiles where the edges are. Not privileged:
 * whether a cluster allows it is a flag of its apiserver (this one does not), not the CR's mistake.
 */
const id = fc.constantFrom(-1, 0, 1000, 2147483647, 2147483648);
const profile = fc.record(
  {
    type: fc.constantFrom('', 'Localhost', 'RuntimeDefault', 'Unconfined', 'runtimeDefault'),
    localhostProfile: fc.constantFrom('', 'p.json', 'a/../b', '/x', ' p'),
  },
  { requiredKeys: ['type'] },
);
const SECURITY: Case[] = fc
  .sample(
    fc.record(
      {
        securityContext: fc.record(
          {
            runAsUser: id,
            fsGroup: id,
            supplementalGroups: fc.array(id, { maxLength: 2 }),
            fsGroupChangePolicy: fc.constantFrom('Always', 'always', 'OnRootMismatch'),
            supplementalGroupsPolicy: fc.constantFrom('Merge', 'Strict', 'strict'),
            seccompProfile: profile,
            appArmorProfile: profile,
          },
          { requiredKeys: [] },
        ),
        aisContainerSecurityContext: fc.record(
          {
            runAsGroup: id,
            procMount: fc.constantFrom('Default', 'Unmasked'),
            allowPrivilegeEscalation: fc.boolean(),
            capabilities: fc.record({ add: fc.constantFrom(['CAP_SYS_ADMIN'], ['NET_ADMIN']) }),
            seccompProfile: profile,
            appArmorProfile: profile,
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    { seed: 23, numRuns: 100 },
  )
  .map((target) => ({ target }));

/** Random env lists from the names, sources and references where the edges are. */
const variable = fc.record(
  {
    name: fc.constantFrom('A', 'a.b-c d', 'A=B', '', 'Ä'),
    value: fc.constantFrom('', 'v'),
    valueFrom: fc.record(
      {
        fieldRef: fc.record(
          {
            apiVersion: fc.constantFrom('v1', 'v2'),
            fieldPath: fc.constantFrom(
              'status.podIP',
              'spec.host',
              'status.phase',
              "metadata.labels['a']",
              "metadata.labels['A B']",
              "metadata.annotations['X.io/Y']",
              'metadata.labels.a',
            ),
          },
          { requiredKeys: ['fieldPath'] },
        ),
        resourceFieldRef: fc.record({
          resource: fc.constantFrom('limits.cpu', 'requests.hugepages-1Gi', 'limits.gpu', ''),
        }),
        secretKeyRef: fc.record({
          name: fc.constantFrom('s', 'S', 'a.b', ''),
          key: fc.constantFrom('k', 'a/b', '..k', '.k'),
        }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['name'] },
);
const ENV: Case[] = fc
  .sample(fc.array(variable, { minLength: 1, maxLength: 2 }), { seed: 23, numRuns: 100 })
  .map((env) => ({ target: { env } }));

it('the guard warns exactly when the apiserver refuses the target pods of the StatefulSet the operator renders', async () => {
  const cases = [...WRITTEN, ...RANDOM, ...PLACEMENT, ...SECURITY, ...ENV];
  const wrong: string[] = [];
  let refusedCount = 0;
  for (const [i, c] of cases.entries()) {
    const cr = crOf(c, i);
    const answer = await oracle.ask({ id: String(i), cr, nodes: [], storageClasses: [] });
    if (!answer.statefulSet)
      throw new Error(`case ${i}: the oracle rendered no StatefulSet: ${answer.error}`);
    const pod = podsAndClaims(answer.statefulSet).pods[0] as Obj;
    const outcome = await attempt(create(pod, { dryRun: true }));
    const statefulSet = await attempt(create(answer.statefulSet as Obj, { dryRun: true }));
    const refused = !outcome.ok;
    if (refused) refusedCount++;
    // The target pod's findings: the proxies' and the admin client's are about other objects.
    const findings = evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT).findings.filter(
      (f) => POD_RULES.has(f.ruleId) && /^spec\.(targetSpec|logSidecar)\b/.test(f.message),
    );
    const warned = findings.length > 0;
    if (warned !== refused)
      wrong.push(
        `${JSON.stringify(c)}: guard ${warned ? 'warns' : 'silent'}, apiserver ${outcome.ok ? 'accepts' : `refuses: ${outcome.rejection.message}`}`,
      );
    const statefulSetRefused =
      findings.some((f) => f.ruleId === STATEFULSET_RULE) || (TEMPLATE_VALIDATED && refused);
    if (statefulSet.ok === statefulSetRefused)
      wrong.push(
        `${JSON.stringify(c)}: the StatefulSet is ${statefulSet.ok ? 'accepted' : `refused (${statefulSet.rejection.message})`} on ${process.env.E2E_K8S_VERSION}, its pod ${outcome.ok ? 'accepted' : 'refused'}`,
      );
  }
  expect(wrong).toEqual([]);
  // Both answers are exercised.
  expect(refusedCount).toBeGreaterThan(20);
  expect(cases.length - refusedCount).toBeGreaterThan(20);
});

// mount-template-name's selector warning (review atk55-B): the operator copies a mount's selector into
// its claim template (Mount.BuildPVC), and the apiserver validates it on every claim made from it
// (ValidatePersistentVolumeClaimSpec; from 1.36 on the StatefulSet too). The guard warns exactly when
// the first target's claim, as the StatefulSet controller makes it, is refused.
it("the guard warns exactly when the apiserver refuses the claims of a mount's selector", async () => {
  const selectors: unknown[] = [
    { matchLabels: { 'ais.nvidia.com/disk': 'nvme0' } },
    { matchLabels: { disk: 'nvme/ssd' } },
    { matchLabels: { 'a b': 'x' } },
    { matchExpressions: [{ key: 'disk', operator: 'In', values: ['a', 'b'] }] },
    { matchExpressions: [{ key: 'disk', operator: 'In' }] },
    { matchExpressions: [{ key: 'disk', operator: 'Exists', values: ['a'] }] },
    { matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] },
    { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['1'] }] },
    { matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['a b'] }] },
    {},
  ];
  const wrong: string[] = [];
  let refusedCount = 0;
  for (const [i, selector] of selectors.entries()) {
    const cr = crOf({}, 1000 + i);
    const spec = cr.spec as { targetSpec: { mounts: Record<string, unknown>[] } };
    spec.targetSpec.mounts = spec.targetSpec.mounts.map((m) => ({ ...m, selector }));
    const answer = await oracle.ask({ id: `selector-${i}`, cr, nodes: [], storageClasses: [] });
    if (!answer.statefulSet)
      throw new Error(`selector ${i}: the oracle rendered no StatefulSet: ${answer.error}`);
    const claim = podsAndClaims(answer.statefulSet).claims[0] as Obj;
    const outcome = await attempt(create(claim, { dryRun: true }));
    if (!outcome.ok) refusedCount++;
    const warned = evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT).findings.some(
      (f) =>
        f.ruleId === 'mount-template-name' && f.message.includes('has a selector Kubernetes cannot read'),
    );
    if (warned === outcome.ok)
      wrong.push(
        `${JSON.stringify(selector)}: guard ${warned ? 'warns' : 'silent'}, apiserver ${outcome.ok ? 'accepts' : `refuses: ${outcome.rejection.message}`}`,
      );
  }
  expect(wrong).toEqual([]);
  expect(refusedCount).toBeGreaterThan(3);
  expect(selectors.length - refusedCount).toBeGreaterThan(3);
});
