import { describe, expect, it } from '@jest/globals';
import {
  aistore,
  HOST_ANTI_AFFINITY,
  node,
  madeForClaim,
  oneNodeDisks,
  released,
  run,
  targetPod,
  targetStatefulSet,
} from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';
import type { KubeObject } from '../index.js';

/** The CR with more targetSpec fields. */
function withTargetSpec(cr: KubeObject, extra: Record<string, unknown>): KubeObject {
  const copy = structuredClone(cr) as KubeObject & { spec: { targetSpec: Record<string, unknown> } };
  Object.assign(copy.spec.targetSpec, extra);
  return copy;
}

/** The pod with one more init container, asking for host port 9000 (restartPolicy as given). */
function withInitPort(pod: KubeObject, restartPolicy?: string): KubeObject {
  const copy = structuredClone(pod) as KubeObject & { spec: { initContainers?: unknown[] } };
  copy.spec.initContainers = [
    ...(copy.spec.initContainers ?? []),
    {
      name: 'sidecar',
      image: 'busybox',
      ...(restartPolicy && { restartPolicy }),
      ports: [{ containerPort: 9000, hostPort: 9000 }],
    },
  ];
  return copy;
}

const pinned = { 'kubernetes.io/hostname': 'node-1' };
/** Two nodes, and on node-1 the Released PVs of a re-created CR's earlier life, as `as` leaves them. */
const earlierLife = (as: (v: KubeObject, i: number) => KubeObject) => [
  node('node-1'),
  node('node-2'),
  ...oneNodeDisks().map((v, i) => released(as(v, i))),
];
const SHARED_NODE_DENY =
  /hostPort 51081 in a multi-target layout \(PVs put the disks of ais-target-0, ais-target-1/;

/** The CR with spec-level fields set (publicNetDNSMode, …). */
function withSpec(cr: KubeObject, fields: Record<string, unknown>): KubeObject {
  const copy = structuredClone(cr) as KubeObject & { spec: Record<string, unknown> };
  Object.assign(copy.spec, fields);
  return copy;
}

const rows: Row[] = [
  {
    name: 'CR: hostPort with anti-affinity disabled',
    object: aistore({ disable: true, hostPort: 51081 }),
    expect: {
      deny: [
        /hostPort 51081 in a multi-target layout \(spec.targetSpec.disablePodAntiAffinity is true\).*didn't have free ports/,
      ],
    },
  },
  {
    name: 'CR: hostPort, one target per node (anti-affinity on)',
    object: aistore({ hostPort: 51081 }),
    expect: {},
  },
  // Re-created over its earlier life's PVs: static ones are the disks it will reuse (two targets on
  // node-1), Released ones a provisioner made never bind again.
  {
    name: "CR re-created with a hostPort over its earlier life's static PVs on one node: denied",
    object: aistore({ hostPort: 51081 }),
    context: earlierLife((v) => v),
    expect: { deny: [SHARED_NODE_DENY] },
  },
  {
    // Review "today14b" F5: the local static provisioner annotates the PVs it makes for disks it finds;
    // they are still the disks to free and reuse, not PVs made for one claim (k8s.ts isMadeForItsClaim).
    name: "the same over the local static provisioner's Released PVs: still denied",
    object: aistore({ hostPort: 51081 }),
    context: earlierLife((v) => ({
      ...v,
      metadata: {
        ...v.metadata,
        annotations: { 'pv.kubernetes.io/provisioned-by': 'local-volume-provisioner-node-1-3f1c' },
      },
    })),
    expect: { deny: [SHARED_NODE_DENY] },
  },
  {
    name: 'the same over Released PVs a provisioner made: one target per node, allowed',
    object: aistore({ hostPort: 51081 }),
    context: earlierLife((v, i) => madeForClaim(v, `uid-${i}`)),
    expect: {},
  },
  // 0 asks for no host port, but any hostPort makes the operator advertise the node's address as each
  // target's public hostname (target/statefulset.go NewInitContainerEnv): targets on one node then
  // share an address and port, which AIStore refuses (core/meta Snode.isDupNet, "duplicate IPs").
  {
    name: 'CR: hostPort 0 in multi-target still makes targets on a node share their public address',
    object: aistore({ disable: true, hostPort: 0 }),
    expect: { deny: [/hostPort 0 in a multi-target layout.*"duplicate IPs"/] },
  },
  { name: 'CR: hostPort 0, one target per node', object: aistore({ hostPort: 0 }), expect: {} },
  {
    name: 'CR: hostPort 0 with per-target external access: no node address advertised',
    object: withTargetSpec(aistore({ disable: true, hostPort: 0 }), {
      externalAccess: { type: 'LoadBalancer' },
    }),
    expect: {},
  },
  {
    name: 'CR: hostPort 0 with spec.enableExternalLB',
    object: (() => {
      const cr = structuredClone(aistore({ disable: true, hostPort: 0 })) as KubeObject & {
        spec: Record<string, unknown>;
      };
      cr.spec.enableExternalLB = true;
      return cr;
    })(),
    expect: {},
  },
  {
    // The init container names each target by its pod DNS name in mode Pod, AIS_PUBLIC_HOSTNAME unread
    // (operator internal/resources/aistore/cmn/env.go CommonInitEnv passes AIS_PUBLIC_DNS_MODE).
    name: 'CR: hostPort 0 with spec.publicNetDNSMode Pod: each target advertises its own pod name',
    object: withSpec(aistore({ disable: true, hostPort: 0 }), { publicNetDNSMode: 'Pod' }),
    expect: {},
  },
  {
    name: 'CR: hostPort 0 with spec.publicNetDNSMode Node: the node name, shared by its targets',
    object: withSpec(aistore({ disable: true, hostPort: 0 }), { publicNetDNSMode: 'Node' }),
    expect: { deny: [/hostPort 0 in a multi-target layout/] },
  },
  {
    name: 'CR UPDATE away from publicNetDNSMode Pod with hostPort 0: refused (targets on a node would share the address)',
    object: aistore({ disable: true, hostPort: 0 }),
    operation: 'UPDATE',
    oldObject: withSpec(aistore({ disable: true, hostPort: 0 }), { publicNetDNSMode: 'Pod' }),
    expect: { deny: [/hostPort 0 in a multi-target layout/] },
  },
  {
    name: 'CR: hostPort 51081 with publicNetDNSMode Pod still asks every target for the port',
    object: withSpec(aistore({ disable: true, hostPort: 51081 }), { publicNetDNSMode: 'Pod' }),
    expect: { deny: [/hostPort 51081/] },
  },
  {
    name: 'CR: hostPort 0, size 1, publicNetDNSMode Pod: nothing to warn of before a scale-out',
    object: withSpec(aistore({ disable: true, size: 1, hostPort: 0 }), { publicNetDNSMode: 'Pod' }),
    expect: {},
  },
  {
    name: 'CR: hostPort 51081 with external access still asks every target for the port',
    object: withTargetSpec(aistore({ disable: true, hostPort: 51081 }), {
      externalAccess: { type: 'LoadBalancer' },
    }),
    expect: { deny: [/hostPort 51081/] },
  },
  { name: 'CR: no hostPort in multi-target', object: aistore({ disable: true }), expect: {} },
  {
    name: 'CR: hostPort with PVs putting two targets on one node (anti-affinity turned off first)',
    object: aistore({ hostPort: 51081 }),
    context: oneNodeDisks(),
    expect: {
      deny: [/multi-target layout .*PVs put the disks of ais-target-0, ais-target-1 on node node-1/],
    },
  },
  {
    // A real host port keeps targets one per node by itself: the scale-out passes (evaluate.ts fixedAtCreation).
    name: 'CR: hostPort, size 1 with anti-affinity off: nothing to say',
    object: aistore({ disable: true, size: 1, hostPort: 51081 }),
    expect: {},
  },
  {
    name: 'CR: hostPort, size 1 with anti-affinity on',
    object: aistore({ size: 1, hostPort: 51081 }),
    expect: {},
  },
  {
    name: 'CR: hostPort 0, size 1 with anti-affinity off: warned of the address targets on a node would share',
    object: aistore({ disable: true, size: 1, hostPort: 0 }),
    expect: {
      warn: [/hostPort 0 with target anti-affinity disabled: 0 asks for no host port.*"duplicate IPs"\)\.$/],
    },
  },
  {
    name: 'CR: hostPort 0, size 1, external access: no node address, nothing to say',
    object: withTargetSpec(aistore({ disable: true, size: 1, hostPort: 0 }), {
      externalAccess: { type: 'LoadBalancer' },
    }),
    expect: {},
  },
  {
    name: 'CR: hostPort 0, size 1 with anti-affinity off, on UPDATE: too late to say it',
    object: aistore({ disable: true, size: 1, hostPort: 0 }),
    operation: 'UPDATE',
    oldObject: aistore({ disable: true, size: 1, hostPort: 0 }),
    expect: {},
  },
  {
    name: 'CR: hostPort, more targets than nodes (multi-target by node count)',
    object: aistore({ size: 3, hostPort: 51081 }),
    context: [node('node-1'), node('node-2')],
    expect: { deny: [/3 targets but only 2 node\(s\) they can be scheduled on/] },
  },
  {
    name: 'CR: hostPort, as many nodes as targets',
    object: aistore({ size: 2, hostPort: 51081 }),
    context: [node('node-1'), node('node-2')],
    expect: {},
  },
  {
    name: 'CR: nodes filtered by the target nodeSelector',
    object: aistore({ size: 2, hostPort: 51081, nodeSelector: { pool: 'storage' } }),
    context: [node('node-1', { pool: 'storage' }), node('node-2')],
    expect: { deny: [/2 targets but only 1 node\(s\) they can be scheduled on/] },
  },
  {
    name: 'StatefulSet: hostPort, no anti-affinity, 2 replicas pinned to one host',
    object: targetStatefulSet({ hostPort: 51081, nodeSelector: pinned }),
    expect: { deny: [/container "ais-node" of the target pod template asks for hostPort 51081\/TCP/] },
  },
  {
    // Without the CR, anti-affinity off is no evidence: an admitted one-target CR scaled out renders
    // this, and the webhook with the CR only warns (layout.ts detectLayout withoutCR).
    name: 'StatefulSet: hostPort, no anti-affinity, 2 replicas, the CR unknown and nothing pinned',
    object: targetStatefulSet({ hostPort: 51081 }),
    expect: {},
  },
  {
    name: 'StatefulSet: hostPort with required anti-affinity',
    object: targetStatefulSet({ hostPort: 51081, affinity: HOST_ANTI_AFFINITY() }),
    expect: {},
  },
  {
    // A CR that keeps anti-affinity on renders this (an explicit false, or one target scaled out):
    // the webhook with the CR keeps it, so without the CR too (layout.ts viewFromPodSpec).
    name: 'StatefulSet: anti-affinity in template, pinned to one host, the CR unknown',
    object: targetStatefulSet({ hostPort: 51081, affinity: HOST_ANTI_AFFINITY(), nodeSelector: pinned }),
    expect: {},
  },
  { name: 'StatefulSet: 1 replica', object: targetStatefulSet({ hostPort: 51081, replicas: 1 }), expect: {} },
  {
    name: 'StatefulSet: judged by the CR when known',
    object: targetStatefulSet({ hostPort: 51081 }),
    context: [aistore({ disable: false })],
    expect: {},
  },
  {
    name: 'Pod: hostPort in multi-target',
    object: targetPod({ hostPort: 51081, ordinal: 1 }),
    context: [aistore({ disable: true })],
    expect: { deny: [/target pod asks for hostPort 51081/] },
  },
  {
    // The apiserver gives every port of a hostNetwork pod hostPort = containerPort (SetDefaults_Pod),
    // and refuses any other hostPort there: target-host-network's finding, not a host port's.
    name: 'Pod: hostNetwork, its ports defaulted to host ports: no host port finding',
    object: targetPod({ hostNetwork: true, hostPort: 51081, ordinal: 1 }),
    context: [aistore({ disable: true })],
    expect: {},
  },
  {
    name: 'Pod: no hostPort',
    object: targetPod({ ordinal: 1 }),
    context: [aistore({ disable: true })],
    expect: {},
  },
  // The scheduler counts the ports of containers and of sidecars (init containers with
  // restartPolicy Always) only (k8s pkg/scheduler/util/utils.go GetHostPorts); review sched46.
  {
    name: 'Pod: a sidecar (restartPolicy Always) asks for a host port: denied',
    object: withInitPort(targetPod({ ordinal: 1 }), 'Always'),
    context: [aistore({ disable: true })],
    expect: { deny: [/container "sidecar" of the target pod asks for hostPort 9000\/TCP/] },
  },
  {
    name: "Pod: a plain init container's host port holds nothing on the node",
    object: withInitPort(targetPod({ ordinal: 1 })),
    context: [aistore({ disable: true })],
    expect: {},
  },
  // What the operator renders for a CR with hostPort 0 (or, before v3.1.0, with any hostPort and
  // external access): no host port, but AIS_PUBLIC_HOSTNAME from the node in the init container
  // (target/statefulset.go NewInitContainerEnv), which it never rolls out alone. A warning: such a
  // set may still run one target per node, and the CR cannot change in place.
  {
    name: 'StatefulSet: init container sets AIS_PUBLIC_HOSTNAME from status.hostIP, no anti-affinity, pinned',
    object: targetStatefulSet({ publicHostnameFrom: 'status.hostIP', nodeSelector: pinned }),
    expect: {
      warn: [
        /init container "populate-env" of the target pod template sets AIS_PUBLIC_HOSTNAME from status.hostIP in a multi-target layout.*"duplicate IPs"/,
      ],
    },
  },
  {
    name: 'Pod: AIS_PUBLIC_HOSTNAME from spec.nodeName (publicNetDNSMode Node), CR multi-target',
    object: targetPod({ publicHostnameFrom: 'spec.nodeName', ordinal: 1 }),
    context: [withTargetSpec(aistore({ disable: true }), { externalAccess: { type: 'LoadBalancer' } })],
    expect: { warn: [/sets AIS_PUBLIC_HOSTNAME from spec.nodeName/] },
  },
  {
    name: 'Pod: AIS_PUBLIC_HOSTNAME from the node with one target per node',
    object: targetPod({ publicHostnameFrom: 'status.hostIP', ordinal: 1 }),
    context: [aistore({ hostPort: 0 })],
    expect: {},
  },
  {
    name: 'Pod: AIS_PUBLIC_HOSTNAME from the node beside AIS_PUBLIC_DNS_MODE Pod: not read, nothing shared',
    object: (() => {
      const pod = targetPod({ publicHostnameFrom: 'status.hostIP', ordinal: 1 }) as KubeObject & {
        spec: { initContainers: { env: unknown[] }[] };
      };
      pod.spec.initContainers[0]!.env.push({ name: 'AIS_PUBLIC_DNS_MODE', value: 'Pod' });
      return pod;
    })(),
    context: [aistore({ disable: true })],
    expect: {},
  },
  {
    name: 'Pod: AIS_PUBLIC_HOSTNAME from the pod IP is no node address',
    object: targetPod({ publicHostnameFrom: 'status.podIP', ordinal: 1 }),
    context: [aistore({ disable: true })],
    expect: {},
  },
  {
    name: 'StatefulSet: hostPort and the variable: one deny, for the host port',
    object: targetStatefulSet({ hostPort: 51081, publicHostnameFrom: 'status.hostIP', nodeSelector: pinned }),
    expect: { deny: [/asks for hostPort 51081\/TCP/] },
  },
  {
    name: 'proxy StatefulSet keeps its hostPort',
    object: {
      ...targetStatefulSet({ hostPort: 51080 }),
      metadata: {
        name: 'ais-proxy',
        namespace: 'ais',
        labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'proxy' },
      },
    },
    expect: {},
  },
];

describe('rule target-host-port', () => {
  it.each(rows)('$name', (row) => {
    checkRow('target-host-port', row);
  });
});

/** A target Pod (or StatefulSet) whose container asks for host ports 1..count, TCP/UDP/SCTP in turn. */
function withHostPorts(object: KubeObject, count: number, base = '/spec'): KubeObject {
  const copy = structuredClone(object);
  const spec = (
    base === '/spec' ? copy.spec : (copy.spec as { template: { spec: unknown } }).template.spec
  ) as {
    containers: { ports: unknown[] }[];
  };
  const protocols = ['TCP', 'UDP', 'SCTP'];
  spec.containers[0]!.ports = Array.from({ length: count }, (_, i) => ({
    containerPort: i + 1,
    hostPort: i + 1,
    protocol: protocols[i % 3],
  }));
  return copy;
}

const PORT_DENY = (port: number, protocol: string, what = 'pod') =>
  `container "ais-node" of the target ${what} asks for hostPort ${port}/${protocol} in a multi-target layout (spec.targetSpec.disablePodAntiAffinity is true): the second target on a node stays Pending ("node(s) didn't have free ports for the requested pod ports").`;
const FIRST_FIVE = (what?: string) =>
  [1, 2, 3, 4, 5].map((p) => PORT_DENY(p, ['TCP', 'UDP', 'SCTP'][(p - 1) % 3]!, what));

// Outside review: a 3.5 MB target Pod with 62,000 host ports got a finding each (a 39.6 MB answer,
// 186,005 lines of `ais-guard check`). The first LISTED ports are named as before, the rest counted.
describe('rule target-host-port: many host ports', () => {
  const pod = (count: number) => withHostPorts(targetPod({ ordinal: 1 }), count);
  const denies = (object: KubeObject, operation: 'CREATE' | 'UPDATE' = 'CREATE', oldObject?: KubeObject) =>
    run({ name: '', object, oldObject, operation, context: [aistore({ disable: true })] }).findings.filter(
      (f) => f.ruleId === 'target-host-port',
    );

  it('five: each named, as ever', () => {
    expect(denies(pod(5)).map((f) => f.message)).toEqual(FIRST_FIVE());
  });

  it('six: five named, one counted', () => {
    const found = denies(pod(6));
    expect(found.map((f) => f.message)).toEqual([
      ...FIRST_FIVE(),
      '1 more host port(s) of the target pod are refused in the ways above (not listed one by one).',
    ]);
    expect(found.at(-1)).toMatchObject({ action: 'deny', path: '/spec/containers/0/ports/5/hostPort' });
  });

  it('10,000: six findings, the answer bounded', () => {
    const found = denies(pod(10_000));
    expect(found.map((f) => f.message)).toEqual([
      ...FIRST_FIVE(),
      '9995 more host port(s) of the target pod are refused in the ways above (not listed one by one).',
    ]);
    expect(found.every((f) => f.action === 'deny')).toBe(true);
    expect(found.at(-1)!.path).toBe('/spec/containers/0/ports');
    expect(found.reduce((n, f) => n + f.message.length + f.fix.length, 0)).toBeLessThan(4_000);
  });

  it('10,000 on a StatefulSet pod template: the same', () => {
    const set = withHostPorts(targetStatefulSet({ nodeSelector: pinned }), 10_000, '/spec/template/spec');
    const found = run({ name: '', object: set }).findings.filter((f) => f.ruleId === 'target-host-port');
    expect(found).toHaveLength(6);
    expect(found.at(-1)).toMatchObject({
      action: 'deny',
      path: '/spec/template/spec/containers/0/ports',
      message:
        '9995 more host port(s) of the target pod template are refused in the ways above (not listed one by one).',
    });
  });

  it('on UPDATE, one more host port among the counted ones is still refused', () => {
    const found = denies(pod(10_001), 'UPDATE', pod(10_000));
    expect(found.map((f) => f.action)).toEqual(['warn', 'warn', 'warn', 'warn', 'warn', 'deny']);
  });
});
