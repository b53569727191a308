// Core against export on generated objects richer than test/vap's builders: CR names, namespaces,
// sizes and autoscaling, spec.targetSpec.labels with terms on them (selectors, DoesNotExist,
// matchLabelKeys / mismatchLabelKeys), namespace scopes, hostPort 0 beside externalAccess,
// enableExternalLB and publicNetDNSMode, mounts with every size spelling the CRD's pattern lets
// through, state storage; StatefulSets with claim templates and pod volumes; pods by ordinal. The
// VAPs must deny exactly what evaluate() denies for the object alone (CREATE; on UPDATE where the
// stored CR broke no rule), the MAPs change the object exactly as it does.
import { expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mutatingPolicies, mutationCoverage } from '../../src/map/index.js';
import type { KubeObject } from '../../src/policy/index.js';
import { run } from '../support/builders.js';
import { mutate } from '../map/support/map-eval.js';
import { judgeAgreement } from '../vap/support/agreement.js';

type Spec = Record<string, unknown> & { targetSpec: Record<string, unknown> };
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const HOST = 'kubernetes.io/hostname';
const APP = { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' };
const req = (t: Record<string, unknown>) => ({
  podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOST, ...t }] },
});
const affinities = fc.constantFrom<unknown>(
  req({ labelSelector: { matchLabels: APP } }),
  req({ labelSelector: { matchLabels: { team: 'x' } } }),
  req({ labelSelector: { matchLabels: APP, matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }),
  req({ labelSelector: { matchLabels: APP }, mismatchLabelKeys: ['team'] }),
  req({ labelSelector: { matchLabels: APP }, matchLabelKeys: ['team'] }),
  req({ labelSelector: { matchLabels: APP }, matchLabelKeys: ['statefulset.kubernetes.io/pod-name'] }),
  req({ labelSelector: { matchLabels: APP }, namespaces: ['other'] }),
  req({ labelSelector: { matchLabels: APP }, namespaceSelector: {} }),
  req({
    labelSelector: { matchLabels: APP },
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ais' } },
  }),
  req({ labelSelector: { matchLabels: APP }, namespaceSelector: { matchLabels: { env: 'x' } } }),
  req({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['ais', 'y'] }] } }),
  req({ labelSelector: { matchExpressions: [{ key: 'controller-revision-hash', operator: 'Exists' }] } }),
  {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 1, podAffinityTerm: { topologyKey: HOST, labelSelector: { matchLabels: APP } } },
      ],
    },
  },
  // affinity-label-keys: a merged key already in the selector, a key in both lists, no selector.
  req({ labelSelector: { matchLabels: APP }, matchLabelKeys: ['app.kubernetes.io/name'] }),
  req({ labelSelector: { matchLabels: { team: 'x' } }, matchLabelKeys: ['team'] }),
  req({ matchLabelKeys: ['team'] }),
  {
    podAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 1,
          podAffinityTerm: {
            topologyKey: 'zone',
            labelSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
            matchLabelKeys: ['team'],
            mismatchLabelKeys: ['x'],
          },
        },
      ],
    },
  },
  { podAntiAffinity: {} },
  { nodeAffinity: {} },
);
const mounts = fc.array(
  fc.record({
    path: fc.constantFrom(
      '/data',
      '/data/a',
      '/ais/sda',
      '/x/',
      '/',
      'rel',
      '/data//a',
      '/a/../b',
      '/config-mount',
      '/Data',
      '/state',
      '/etc/ais',
      '/data/./a',
    ),
    useHostPath: opt(fc.boolean()),
    // The CRD's pattern holds before any admission policy runs.
    size: opt(
      fc.constantFrom<unknown>(
        '1Ti',
        1,
        0,
        '0',
        '0.5',
        '1e3',
        '8Ei',
        '7Ei',
        '1.5Gi',
        '+1Gi',
        '-1',
        '1m',
        '1000m',
        '9223372036854775807',
        '9223372036854775808',
        '1E',
        '.5k',
        '5.',
        '1e-3k',
        '1e18',
        '0.0000000001',
        '1n',
      ),
    ),
  }),
  { minLength: 0, maxLength: 4 },
);
const crs: fc.Arbitrary<KubeObject> = fc
  .record({
    name: fc.constantFrom(
      'ais',
      'ais-1',
      'a',
      '1ais',
      'ais.x',
      'Ais',
      'ais-',
      'x'.repeat(52),
      'x'.repeat(53),
      'config',
      'state',
      'host',
    ),
    namespace: fc.constantFrom('ais', 'n'.repeat(50)),
    size: opt(fc.constantFrom(-1, 0, 1, 2)),
    tsize: opt(fc.constantFrom(-1, 0, 1, 3)),
    sizeLimit: opt(fc.constantFrom(1, 2)),
    disable: opt(fc.boolean()),
    legacy: opt(fc.boolean()),
    hostPort: opt(fc.constantFrom(0, 51081)),
    hostNetwork: opt(fc.boolean()),
    externalAccess: opt(fc.constant({})),
    lb: opt(fc.boolean()),
    dns: opt(fc.constantFrom('Pod', 'IP', '')),
    nodeSelector: opt(fc.constantFrom({ [HOST]: 'node-1' }, { [HOST]: '' }, { zone: 'a' })),
    labels: opt(fc.constantFrom({ team: 'x' }, { app: 'other' }, {})),
    affinity: opt(affinities),
    mounts: opt(mounts),
    state: opt(
      fc.constantFrom<Record<string, unknown>>(
        { stateStorage: { pvc: {} } },
        { stateStorage: { hostPath: '/x' } },
        { stateStorageClass: 'sc' },
        { tls: {} },
        { awsSecretName: 'a' },
      ),
    ),
  })
  .map((o) => {
    const targetSpec: Record<string, unknown> = { servicePort: 51081 };
    const put = (k: string, v: unknown) => v !== undefined && (targetSpec[k] = v);
    put('size', o.tsize);
    if (o.sizeLimit !== undefined) targetSpec.autoScale = { sizeLimit: o.sizeLimit };
    put('disablePodAntiAffinity', o.disable);
    put('hostPort', o.hostPort);
    put('hostNetwork', o.hostNetwork);
    put('externalAccess', o.externalAccess);
    put('nodeSelector', o.nodeSelector);
    put('labels', o.labels);
    put('affinity', o.affinity);
    put('mounts', o.mounts);
    const spec: Record<string, unknown> = {
      nodeImage: 'aisnode',
      proxySpec: { size: 1 },
      targetSpec,
      ...o.state,
    };
    if (o.size !== undefined) spec.size = o.size;
    if (o.legacy !== undefined) spec.disablePodAntiAffinity = o.legacy;
    if (o.lb !== undefined) spec.enableExternalLB = o.lb;
    if (o.dns !== undefined) spec.publicNetDNSMode = o.dns;
    return {
      apiVersion: 'ais.nvidia.com/v1beta1',
      kind: 'AIStore',
      metadata: { name: o.name, namespace: o.namespace },
      spec,
    } as KubeObject;
  });

it('CREATE: the AIStore policy denies exactly what the engine does', () => {
  fc.assert(
    fc.property(crs, (object) => {
      const outcome = judgeAgreement({ name: 'random', operation: 'CREATE', object });
      expect(outcome.errors).toEqual([]);
      expect(outcome.vap).toEqual(outcome.engine);
    }),
    { numRuns: 1000 },
  );
});

const edits = fc.array(
  fc.constantFrom<(s: Spec) => void>(
    (s) => (s.targetSpec.size = 3),
    (s) => (s.targetSpec.size = 1),
    (s) => delete s.targetSpec.size,
    (s) => (s.size = 4),
    (s) => (s.nodeImage = 'aisnode:new'),
    (s) => (s.publicNetDNSMode = 'Pod'),
    (s) => delete s.publicNetDNSMode,
    (s) => delete s.targetSpec.disablePodAntiAffinity,
    (s) => (s.targetSpec.disablePodAntiAffinity = true),
    (s) => (s.targetSpec.labels = { team: 'x' }),
    (s) => delete s.targetSpec.labels,
    (s) => (s.targetSpec.hostPort = 51081),
    (s) => delete s.targetSpec.hostPort,
    (s) => (s.targetSpec.annotations = { a: 'b' }),
    (s) => (s.targetSpec.nodeSelector = { [HOST]: 'node-1' }),
  ),
  { minLength: 1, maxLength: 3 },
);

it('UPDATE: where the stored CR breaks no rule, the policy denies exactly what the engine does', () => {
  fc.assert(
    fc.property(crs, edits, (old, changes) => {
      const object = structuredClone(old);
      for (const c of changes) c(object.spec as Spec);
      const outcome = judgeAgreement({ name: 'random', operation: 'UPDATE', object, oldObject: old });
      expect(outcome.errors).toEqual([]);
      const before = judgeAgreement({ name: 'old', operation: 'UPDATE', object: old });
      for (const rule of outcome.covered) {
        if (before.engine.includes(rule)) continue;
        expect([rule, outcome.vap.includes(rule)]).toEqual([rule, outcome.engine.includes(rule)]);
      }
    }),
    { numRuns: 600 },
  );
});

const podOptions = fc.record({
  hostPort: opt(fc.constantFrom(0, 51081)),
  hostNetwork: opt(fc.boolean()),
  nodeSelector: opt(fc.constantFrom({ [HOST]: 'node-1' }, { [HOST]: '' })),
  affinity: opt(affinities),
  extraLabels: opt(
    fc.constantFrom(
      { team: 'x' },
      { 'controller-revision-hash': 'ais-target-abc' },
      { 'statefulset.kubernetes.io/pod-name': 'ais-target-1' },
    ),
  ),
  initHostPort: opt(fc.constantFrom(0, 8080)),
});
function podSpecOf(o: {
  hostPort?: number;
  hostNetwork?: boolean;
  nodeSelector?: Record<string, string>;
  affinity?: unknown;
  initHostPort?: number;
}): Record<string, unknown> {
  const port: Record<string, unknown> = { name: 'http', containerPort: 51081 };
  if (o.hostPort !== undefined) port.hostPort = o.hostPort;
  const spec: Record<string, unknown> = { containers: [{ name: 'ais-node', image: 'x', ports: [port] }] };
  if (o.initHostPort !== undefined)
    spec.initContainers = [
      { name: 'init', image: 'y', ports: [{ containerPort: 8080, hostPort: o.initHostPort }] },
    ];
  if (o.hostNetwork !== undefined) spec.hostNetwork = o.hostNetwork;
  if (o.nodeSelector) spec.nodeSelector = o.nodeSelector;
  if (o.affinity) spec.affinity = o.affinity;
  return spec;
}
const LABELS = { ...APP, app: 'ais', component: 'target', 'app.kubernetes.io/managed-by': 'ais-operator' };
const sets: fc.Arbitrary<KubeObject> = fc
  .record({
    o: podOptions,
    replicas: opt(fc.constantFrom(0, 1, 2)),
    templates: fc.array(fc.constantFrom('ais-data', 'ais-x', 'Bad', 'config-mount', 'x'.repeat(64), ''), {
      maxLength: 3,
    }),
    volumes: fc.array(fc.constantFrom('ais-data', 'config-mount', 'logs-dir'), { maxLength: 2 }),
  })
  .map(({ o, replicas, templates, volumes }) => {
    const spec = podSpecOf(o);
    spec.volumes = volumes.map((name) => ({ name, emptyDir: {} }));
    return {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'ais-target', namespace: 'ais', labels: LABELS },
      spec: {
        ...(replicas !== undefined && { replicas }),
        selector: { matchLabels: APP },
        template: { metadata: { labels: { ...(o.extraLabels ?? {}), ...LABELS } }, spec },
        volumeClaimTemplates: templates.map((name) => ({ metadata: name === '' ? {} : { name } })),
      },
    } as KubeObject;
  });
const pods: fc.Arbitrary<KubeObject> = fc
  .record({ o: podOptions, ordinal: fc.constantFrom(0, 1, 2, 10), prefix: fc.constantFrom('', 'x-') })
  .map(
    ({ o, ordinal, prefix }) =>
      ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${prefix}ais-target-${ordinal}`,
          namespace: 'ais',
          labels: {
            ...(o.extraLabels ?? {}),
            ...LABELS,
            'statefulset.kubernetes.io/pod-name': `ais-target-${ordinal}`,
          },
        },
        spec: podSpecOf(o),
      }) as KubeObject,
  );

it('CREATE: the StatefulSet and Pod policies deny exactly what the engine does', () => {
  fc.assert(
    fc.property(fc.oneof(sets, pods), (object) => {
      const outcome = judgeAgreement({ name: 'random', operation: 'CREATE', object });
      expect(outcome.errors).toEqual([]);
      expect(outcome.vap).toEqual(outcome.engine);
    }),
    { numRuns: 1000 },
  );
});

const MAPS = mutatingPolicies().filter((o) => o.kind === 'MutatingAdmissionPolicy');
const MCOVERED = new Map(mutationCoverage().map((c) => [c.kind, c.rules]));
function mapJudge(operation: 'CREATE' | 'UPDATE', object: KubeObject, oldObject?: KubeObject) {
  const ev = run({ name: 'm', object, operation, oldObject });
  const rules = [...new Set(ev.findings.filter((f) => f.mutation).map((f) => f.ruleId))];
  let o = object;
  const errors: string[] = [];
  for (const p of MAPS) {
    const m = mutate(p, operation, o, oldObject);
    o = m.object;
    errors.push(...m.errors);
  }
  const covered = MCOVERED.get(object.kind ?? '') ?? [];
  return { engine: ev.object, map: o, errors, uncovered: rules.filter((r) => !covered.includes(r)) };
}
it('MAP CREATE: the policies change CRs and pods as the engine does', () => {
  fc.assert(
    fc.property(fc.oneof(crs, pods), (object) => {
      const o = mapJudge('CREATE', object);
      expect(o.errors).toEqual([]);
      if (o.uncovered.length > 0) return;
      expect(o.map).toEqual(o.engine);
    }),
    { numRuns: 600 },
  );
});

it('UPDATE of a StatefulSet or Pod: where the stored one breaks no rule, the policy denies exactly what the engine does', () => {
  fc.assert(
    fc.property(fc.oneof(sets, pods), fc.oneof(sets, pods), (object, old) => {
      if (object.kind !== old.kind) return;
      const outcome = judgeAgreement({ name: 'random', operation: 'UPDATE', object, oldObject: old });
      expect(outcome.errors).toEqual([]);
      const before = judgeAgreement({ name: 'old', operation: 'UPDATE', object: old });
      for (const rule of outcome.covered) {
        if (before.engine.includes(rule)) continue;
        expect([rule, outcome.vap.includes(rule)]).toEqual([rule, outcome.engine.includes(rule)]);
      }
    }),
    { numRuns: 1000 },
  );
});
