// A PV review right after a Node event (a Node joins; the reviewed PV's Node is labelled, tainted;
// a Node of the deployment leaves and comes back), in process, in a deployment of the first 1,000
// of the PVs `plan` made and of all of them. Each Node event used to make every target set's record
// afresh and the schedulable node count walk every Node on the next review: 57-86 ms per review at
// 10,000 PVs, 6-9 ms at 1,000 (13.6x), against 0.04 ms after no event. It reads again only the PVs on that Node now
// (context.ts hostsMoved, countNodes). The goal: the review in the larger deployment within 2x.
// `npm run build` first (bench/check.mjs calls it).
import { ClusterContext, evaluate, pvHostname } from '../dist/policy/index.js';

const ROUNDS = 301;
const SMALL = 1000;

export function nodeEvents(cr, volumes) {
  const small = afterEvents(cr, volumes.slice(0, SMALL));
  const large = afterEvents(cr, volumes);
  const ratios = Object.keys(large).map((kind) => large[kind] / small[kind]);
  return {
    pvs: [Math.min(SMALL, volumes.length), volumes.length],
    msPerReview: { small, large },
    ratio: Number(Math.max(...ratios).toFixed(2)),
  };
}

const node = (name, spec) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  ...(spec && { spec }),
});

/** The median time of a PV review right after each kind of Node event, in ms. */
function afterEvents(cr, volumes) {
  const hosts = [...new Set(volumes.map(pvHostname).filter(Boolean))];
  const ctx = new ClusterContext([cr, ...hosts.map((h) => node(h)), ...volumes]);
  const object = volumes[5];
  const [own, other] = [pvHostname(object), hosts.at(-1)];
  const review = () => evaluate({ operation: 'CREATE', object }, ctx);
  const events = {
    joins: (k) => ctx.upsert(node(`joined-${k}`)),
    labelled: (k) =>
      ctx.upsert({
        ...node(own),
        metadata: { name: own, labels: { 'kubernetes.io/hostname': own, pool: `p${k}` } },
      }),
    tainted: (k) =>
      ctx.upsert(node(own, { taints: [{ key: 'bench', value: `${k}`, effect: 'NoSchedule' }] })),
    leavesOrComesBack: (k) => (k % 2 ? ctx.upsert(node(other)) : ctx.remove(node(other))),
  };
  const medians = {};
  for (const [kind, event] of Object.entries(events)) {
    review();
    const times = [];
    for (let k = 0; k < ROUNDS; k++) {
      event(k);
      const t = process.hrtime.bigint();
      review();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    medians[kind] = Number(times.sort((a, b) => a - b)[ROUNDS >> 1].toFixed(4));
  }
  return medians;
}
