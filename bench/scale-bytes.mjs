// Bytes per cached object: the JS heap a ClusterContext holds per Node, PV or StatefulSet as the
// webhook caches them (reduced on arrival, indexed), measured as the heap growth over N objects
// after full GCs (run with --expose-gc), next to the JSON size of the object before and after
// reduction. One kind per process: reduce.ts's interned strings and shared values are module-wide,
// so a kind measured after another found part of its strings already held (the Node pass's node
// names for the PVs' affinities) and the first paid the compiled code.
// Usage: node --expose-gc scale-bytes.mjs <root> <n> '<cluster shape json>' <kind>; prints JSON.
import { cachedKinds } from './scale-objects.mjs';

const [root, nArg, shapeJson, only] = process.argv.slice(2);
const n = Number(nArg);
const { ClusterContext } = await import(`${root}/dist/policy/index.js`);
const { reduced } = await import(`${root}/dist/server/reduce.js`);

const KINDS = Object.fromEntries(
  Object.entries(cachedKinds(n, JSON.parse(shapeJson))).filter(([kind]) => kind === only),
);
if (Object.keys(KINDS).length !== 1) throw new Error(`scale-bytes: no kind ${only}`);

function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const out = {};
for (const [kind, { apiVersion, make }] of Object.entries(KINDS)) {
  const sample = make(7);
  const fullJson = JSON.stringify(sample).length;
  const reducedJson = JSON.stringify(reduced(sample, apiVersion, kind)).length;
  // Each object is parsed from its own JSON text, as the informer gets it, and only the reduced
  // one is kept: the heap growth is what the context holds.
  const ctx = new ClusterContext();
  const before = heap();
  for (let i = 0; i < n; i++)
    ctx.upsert(reduced(JSON.parse(JSON.stringify(make(i + 1000))), apiVersion, kind));
  const after = heap();
  if (ctx.version !== n) throw new Error('objects lost');
  out[kind] = { fullJson, reducedJson, heapBytes: Math.round((after - before) / n) };
}
process.stdout.write(JSON.stringify(out) + '\n');
