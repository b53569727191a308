// Worst-case evaluate() cost: the largest and most hostile reviews the apiserver can send (3 MiB of
// mounts or volumes, thousands of PVs in the context, a 100,000-deep array). Prints the best of five
// runs in CPU time (wall time on a shared machine measures the neighbours). `npm run build` first.
// Usage: node bench/worst-case.mjs
import { ClusterContext, evaluate } from '../dist/policy/index.js';
const MiB = 1 << 20;
const size = (o) => Buffer.byteLength(JSON.stringify(o));
function cr(mounts, extra = {}) {
  return {
    apiVersion: 'ais.nvidia.com/v1beta1',
    kind: 'AIStore',
    metadata: { name: 'ais', namespace: 'ais' },
    spec: {
      size: 2,
      disablePodAntiAffinity: true,
      targetSpec: { size: 100000, hostPort: 51081, mounts, ...extra },
    },
  };
}
function pv(name, claim, host = 'node-1', path = `/ais/${name}`) {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      storageClassName: 'x',
      capacity: { storage: '5Ti' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path },
      claimRef: { namespace: 'ais', name: claim },
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] },
          ],
        },
      },
    },
  };
}
const cases = [];
{
  // 3 MiB of mounts
  const mounts = [];
  let i = 0;
  let c;
  do {
    for (let k = 0; k < 1000; k++, i++) mounts.push({ path: `/data/m${i}`, storageClass: 'x', size: '1Ti' });
    c = cr(mounts);
  } while (size(c) < 3 * MiB);
  const pvs = Array.from({ length: 2000 }, (_, j) =>
    pv(`pv${j}`, `ais-data-m${j % 50}-ais-target-${j}`, `node-${j % 10}`),
  );
  cases.push(['CR, 3 MiB of mounts, 2000 PVs in context', c, pvs]);
  cases.push(['PV, CR with 3 MiB of mounts in context', pvs[0], [c, ...pvs]]);
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: 'ais-data-zz-ais-target-0',
      namespace: 'ais',
      labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
    },
  };
  cases.push(['PVC misnamed, CR with 3 MiB of mounts', claim, [c, ...pvs]]);
}
{
  // deep junk
  let v = [];
  for (let i = 0; i < 100000; i++) v = [v];
  const c = cr([{ path: '/data' }], { junk: v });
  cases.push(['CR with 100,000-deep array', c, []]);
}
{
  // many PVs all on one CR: 3 MiB of PVs? PV review with 20,000 PVs in the namespace
  const pvs = Array.from({ length: 20000 }, (_, j) =>
    pv(`pv${j}`, `ais-data-ais-target-${j}`, `node-${j % 3}`, `/ais/d${j % 7}`),
  );
  const c = cr([{ path: '/data' }]);
  cases.push(['PV with 20,000 target PVs in context', pvs[1], [c, ...pvs]]);
  cases.push(['CR with 20,000 target PVs in context', c, pvs]);
}
{
  // target pod with 3 MiB of volumes
  const vols = [];
  let i = 0;
  let pod;
  do {
    for (let k = 0; k < 1000; k++, i++)
      vols.push({ name: `v${i}`, persistentVolumeClaim: { claimName: `ais-data-ais-target-${i}` } });
    pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'ais-target-0',
        namespace: 'ais',
        labels: { 'app.kubernetes.io/name': 'ais', 'app.kubernetes.io/component': 'target' },
      },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 1, hostPort: 1 }] }], volumes: vols },
    };
  } while (size(pod) < 3 * MiB);
  const pvs = Array.from({ length: 2000 }, (_, j) => pv(`pv${j}`, `ais-data-ais-target-${j}`, `node-1`));
  cases.push(['target pod, 3 MiB of volumes, 2000 PVs', pod, [cr([{ path: '/data' }]), ...pvs]]);
}
for (const [name, object, context] of cases) {
  const ctx = new ClusterContext([...context, object]);
  let json;
  try {
    json = JSON.stringify(object);
  } catch {
    json = null;
  }
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const o = json ? JSON.parse(json) : object;
    const c0 = process.cpuUsage();
    const ev = evaluate({ operation: 'CREATE', object: o }, ctx);
    const c1 = process.cpuUsage(c0);
    const ms = (c1.user + c1.system) / 1000;
    best = Math.min(best, ms);
    if (r === 0) var summary = `${ev.allowed ? 'allowed' : 'denied'} ${ev.findings.length} findings`;
  }
  console.log(
    `${name.padEnd(48)} ${(json ? (json.length / MiB).toFixed(2) : '-').padStart(5)} MiB  best ${best.toFixed(1)} ms CPU  ${summary}`,
  );
}
