// The two ways the guard sees the cluster: objects as `check` reads them, and as the webhook's cache
// holds them (server/reduce.ts drops what no rule reads, and a Bound PV's uid and phase). A test that
// must hold for both runs once per side.
/* eslint-disable @typescript-eslint/no-explicit-any -- test scaffolding: objects patched field by field */
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { reduced, type Cached } from '../../src/server/reduce.js';
import { claimName, pv } from './builders.js';

export const asCached = (o: KubeObject): KubeObject =>
  reduced(structuredClone(o) as Cached, o.apiVersion ?? 'v1', o.kind ?? '') as KubeObject;

export const SIDES: [string, (o: KubeObject) => KubeObject][] = [
  ['check', (o) => o],
  ['webhook', asCached],
];

/** A copy of `o` changed by `f`. */
export const changed = (o: KubeObject, f: (c: any) => void): KubeObject => {
  const c = structuredClone(o) as any;
  f(c);
  return c;
};

/** A PV the PV controller bound to the claim of `uid`. */
export const boundPV = (o: KubeObject, uid: string) =>
  changed(o, (c) => {
    c.spec.claimRef.uid = uid;
    c.metadata.annotations = { 'pv.kubernetes.io/bound-by-controller': 'yes' };
    c.status = { phase: 'Bound' };
  });

/** `kubectl delete pv` of a Bound PV: pv-protection keeps it until its claim is gone. */
export const terminatingPV = (o: KubeObject) =>
  changed(o, (c) => {
    c.metadata.deletionTimestamp = '2026-12-02T10:00:00Z';
    c.metadata.finalizers = ['kubernetes.io/pv-protection'];
  });

/** A CREATE of `object` judged with `context` (and itself) as one side sees them. */
export function judgeCreate(side: (o: KubeObject) => KubeObject, object: KubeObject, context: KubeObject[]) {
  const ctx = new ClusterContext([...context.map(side), object]);
  return evaluate({ operation: 'CREATE', object }, ctx);
}

/** The UPDATE oldObject -> object, the stored CR in the context (as one side sees it). */
export const judgeUpdate = (
  side: (o: KubeObject) => KubeObject,
  oldObject: KubeObject,
  object: KubeObject,
  world: KubeObject[],
) =>
  evaluate({ operation: 'UPDATE', object, oldObject }, new ClusterContext([...world, oldObject].map(side)));

/** `n` targets two per node, one hand-made local PV each, bound (node-1: 0, 1; node-2: 2, 3; …). */
export const twoPerNodeDisks = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    boundPV(
      pv(`pv-${i}`, {
        claim: claimName(i),
        host: `node-${1 + Math.floor(i / 2)}`,
        path: `/ais/sd${'ab'[i % 2]}`,
        local: true,
      }),
      `u${i}`,
    ),
  );

/** Every finding as "<rule> <action>: <message> | fix: <fix>", to match against. */
export const messages = (ev: ReturnType<typeof evaluate>) =>
  ev.findings.map((f) => `${f.ruleId} ${f.action}: ${f.message} | fix: ${f.fix}`);

/** The findings' messages as one text, for a match over all of them. */
export const messagesText = (ev: ReturnType<typeof evaluate>) => messages(ev).join('\n');
