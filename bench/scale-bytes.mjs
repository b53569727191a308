// Bytes per cached object: the JS heap a ClusterContext holds per Node, PV and StatefulSet as the
// webhook caches them (reduced on arrival, indexed), measured as the heap growth over N objects
// after full GCs (run with --expose-gc), next to the JSON size of the object before and after
// reduction. Usage: node --expose-gc scale-bytes.mjs <root> <n>; prints JSON.
import { cachedKinds } from './scale-objects.mjs';

const [root, nArg] = process.argv.slice(2);
const n = Number(nArg);
const { ClusterContext } = await import(`${root}/dist/policy/index.js`);
const { reduced } = await import(`${root}/dist/server/reduce.js`);

const KINDS = cachedKinds(n);

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
