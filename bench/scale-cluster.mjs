/* global setInterval, clearInterval */
// The scale bench's cluster: the fault suite's fake apiserver (test/support/fake-apiserver.ts,
// transpiled by the bench) holding a large shared cluster with a few AIStore deployments in it,
// and a churn of watch events on demand. Runs in its own process, driven over IPC:
//   node scale-cluster.mjs <fake-apiserver.mjs> '<json: nodes, pvs, statefulSets, operatorSets, crs, empty>'
// sends { kubeconfig (a file for the guard), objects, ms } when serving; then { churn: rate } starts
// events, { churn: 0 } stops them and answers { sent, watched (of those, the ones the guard's watches get) }.

const [fakePath, json] = process.argv.slice(2);
const o = JSON.parse(json);
const { FakeApiServer } = await import(fakePath);

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TARGETS_PER_CR, aistore, node, nsOf, pv, statefulSet } from './scale-objects.mjs';

const t0 = Date.now();
const fake = await FakeApiServer.start();
const counts = { nodes: 0, persistentvolumes: 0, statefulsets: 0, aistores: 0 };
const nodes = [];
let pvList = [];
let setList = [];
if (!o.empty) {
  for (let i = 0; i < o.nodes; i++) nodes.push(node(i, undefined, o.crs));
  fake.seed('nodes', nodes);
  const pvs = [];
  for (let k = 0; k < o.crs; k++)
    for (let t = 0; t < TARGETS_PER_CR; t++)
      pvs.push(
        pv(`ais-${k}-pv-${t}`, nsOf(k), `ais-data-aistore-ais-target-${t}`, `node-${k * TARGETS_PER_CR + t}`),
      );
  for (let i = pvs.length; i < o.pvs; i++)
    pvs.push(pv(`pv-${i}`, `team-${i % 2000}`, `data-${i}`, `node-${i % o.nodes}`));
  fake.seed('persistentvolumes', pvs);
  const sets = [];
  for (let k = 0; k < o.operatorSets; k++) sets.push(statefulSet(nsOf(k), 'ais-target', true));
  for (let i = sets.length; i < o.statefulSets; i++)
    sets.push(statefulSet(`team-${i % 2000}`, `app-${i}`, false));
  fake.seed('statefulsets', sets);
  const crs = [];
  for (let k = 0; k < o.crs; k++) crs.push(aistore(k));
  fake.seed('aistores', crs);
  Object.assign(counts, {
    nodes: nodes.length,
    persistentvolumes: pvs.length,
    statefulsets: sets.length,
    aistores: crs.length,
  });
  pvList = pvs;
  setList = sets;
}

let churn;
let sent = 0;
// Of those, the events the guard's watches select: the apiserver (and the fake) sends a StatefulSet
// event only to a watch whose label selector it matches, and the guard watches only target sets.
let watched = 0;
let seq = 0;
/** One watch event: half Node status (a heartbeat), a quarter StatefulSet status, a quarter PV phase. */
function event() {
  const n = seq++;
  if (n % 4 < 2) {
    const i = (n * 7919) % nodes.length;
    nodes[i] = node(i, new Date().toISOString(), o.crs);
    fake.put('nodes', nodes[i]);
    watched++;
  } else if (n % 4 === 2) {
    const at = (n * 104729) % setList.length;
    const sts = setList[at];
    if (at < o.operatorSets) watched++; // the operator's sets come first in setList
    sts.status = { ...sts.status, readyReplicas: (sts.status.readyReplicas + 1) % (TARGETS_PER_CR + 1) };
    fake.put('statefulsets', sts);
  } else {
    const p = pvList[(n * 15485863) % pvList.length];
    p.status = { ...p.status, phase: p.status.phase === 'Bound' ? 'Released' : 'Bound' };
    fake.put('persistentvolumes', p);
    watched++;
  }
  sent++;
}

process.on('message', (m) => {
  if (m.churn === undefined) return;
  clearInterval(churn);
  if (m.churn > 0) {
    // Every 10 ms, as many events as the rate asks for since the start: steady, not one burst a second.
    const start = Date.now();
    const first = sent;
    churn = setInterval(() => {
      const due = Math.floor(((Date.now() - start) / 1000) * m.churn);
      while (sent - first < due) event();
    }, 10);
    process.send({ started: true });
  } else {
    process.send({ sent, watched });
    sent = 0;
    watched = 0;
  }
});
process.on('disconnect', () => process.exit(0));
const kubeconfig = fake.writeKubeConfig(join(mkdtempSync(join(tmpdir(), 'ais-guard-scale-')), 'kubeconfig'));
process.send({ kubeconfig, objects: counts, ms: Date.now() - t0 });
