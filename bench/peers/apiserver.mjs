// `npm run bench:apiserver` (issue 17 item 3): what users feel, through a real kube-apiserver (the e2e
// control plane, test/e2e/cluster/up.sh): latency of creating a target Pod and a target claim, server-side
// dry run and real create, under each admission set-up:
//   none       no admission of ours at all;
//   vap        the ValidatingAdmissionPolicies of `ais-guard render --vap`;
//   vap-floor  one trivial VAP (one validation reading one label) on the same pods and claims: the
//              apiserver's policy machinery alone, the floor any VAP export pays;
//   ais-guard  `ais-guard serve` (--no-cluster: each object judged alone) behind its two webhook
//              configurations as `ais-guard render --webhooks-only --url … --cert-dir …` gives them;
//   B1         bench/baseline.mjs b1 (parse, allow) behind the same two configurations;
//   <peer>     every available bench/peers/<peer>/peer.mjs behind one validating webhook for pods and
//              claims (how Pepr registers a validate-only module; OPA's kube-mgmt likewise).
// Every set-up is registered at once, each scoped to its own namespace (an extra namespaceSelector
// term, or the binding's matchResources for the VAPs), so the rounds interleave without registration
// churn: the apiserver matches all of them on every request, alike for every set-up; requests go to
// the set-ups in turn, one by one. One client, one keep-alive connection, one request at a time. Prints a table, writes bench/results-apiserver.json.
//   --quick   100 requests per set-up and case (default 2,000), for a smoke check
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CASES } from '../reviews.mjs';
import {
  benchCertificate,
  freePort,
  guardServeArgs,
  productionNodeFlags,
  ROOT,
  startNode,
} from '../servers.mjs';
import { quantile as quantileOfSorted } from '../stats.mjs';
import { controlPlane } from './cluster.mjs';
import { discoverPeers } from './discover.mjs';

const QUICK = process.argv.includes('--quick');
const REQUESTS = QUICK ? 100 : 2000;
const WARMUP = QUICK ? 10 : 50;
const NODE_FLAGS = productionNodeFlags();
const NAME_LABEL = 'kubernetes.io/metadata.name';

const clone = (v) => JSON.parse(JSON.stringify(v));
const cluster = controlPlane();
const kubeconfig = parse(readFileSync(cluster.kubeconfig, 'utf8'));
const b64 = (s) => Buffer.from(s, 'base64');
const apiserver = new URL(kubeconfig.clusters[0].cluster.server);
const agent = new Agent({
  keepAlive: true,
  maxSockets: 1,
  ca: b64(kubeconfig.clusters[0].cluster['certificate-authority-data']),
  cert: b64(kubeconfig.users[0].user['client-certificate-data']),
  key: b64(kubeconfig.users[0].user['client-key-data']),
});

/** One API call on the shared keep-alive connection: { status, body, ms }. */
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const t0 = performance.now();
    const req = request(
      {
        agent,
        host: apiserver.hostname,
        port: apiserver.port,
        method,
        path,
        headers: text
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }
          : {},
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            body: Buffer.concat(chunks).toString(),
            ms: performance.now() - t0,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const kubectlApply = (objects) =>
  execFileSync(
    'kubectl',
    ['--kubeconfig', cluster.kubeconfig, 'apply', '--server-side', '--force-conflicts', '-f', '-'],
    {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
      stdio: ['pipe', 'ignore', 'inherit'],
    },
  );
const cli = (...args) => execFileSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args]).toString();
const documents = (yamlText) =>
  parseAllDocuments(yamlText)
    .map((d) => d.toJS())
    .filter(Boolean);

// The objects: the bench's operator-made target Pod (ais-target-1, pinned to one host: every rule is
// evaluated, and it is allowed) and a target data claim with the operator's label (judged, allowed).
const podTemplate = clone(CASES.find((c) => c.id === 'validate-target-pod').body.request.object);
delete podTemplate.status;
const claimTemplate = parse(
  readFileSync(join(ROOT, 'test/fixtures/aistore/05-pvc-target-data-correct-name.yaml'), 'utf8'),
);
claimTemplate.metadata.labels['app.kubernetes.io/managed-by'] = 'ais-operator';
const KINDS = {
  pod: {
    resource: 'pods',
    // Names keep the ordinal >= 1 of ais-target-1, so every one is judged as that one.
    object: (ns, i) => ({
      ...podTemplate,
      metadata: { ...podTemplate.metadata, namespace: ns, name: `ais-target-${i + 1}` },
    }),
  },
  pvc: {
    resource: 'persistentvolumeclaims',
    object: (ns, i) => ({
      ...claimTemplate,
      metadata: { ...claimTemplate.metadata, namespace: ns, name: `ais-data-aistore-ais-target-${i + 1}` },
    }),
  },
};

/** An extra namespaceSelector term scoping a webhook to one namespace. */
const onlyIn = (selector, ns) => ({
  ...selector,
  matchExpressions: [
    ...(selector?.matchExpressions ?? []),
    { key: NAME_LABEL, operator: 'In', values: [ns] },
  ],
});

/** The guard's rendered configurations, renamed for set-up `id`, scoped to `ns`, pointing at `url`. */
function guardConfigs(id, ns, url, certDir) {
  return documents(cli('render', '--webhooks-only', '--url', url, '--cert-dir', certDir)).map((config) => ({
    ...config,
    metadata: { ...config.metadata, name: `bench-${id}` },
    webhooks: config.webhooks.map((w) => ({
      ...w,
      name: `${id}.${w.name}`,
      namespaceSelector: onlyIn(w.namespaceSelector, ns),
    })),
  }));
}

/** What every peer and the trivial VAP are asked about: the bench's objects. */
const PODS_AND_CLAIMS = {
  apiGroups: [''],
  apiVersions: ['v1'],
  resources: ['pods', 'persistentvolumeclaims'],
  operations: ['CREATE', 'UPDATE'],
  scope: 'Namespaced',
};

/** A peer's registration: one validating webhook for pods and claims, as a validate-only module has. */
function peerConfig(id, ns, url, caFile) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: `bench-${id}` },
    webhooks: [
      {
        name: `${id}.validate.bench.ais-guard.io`,
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        timeoutSeconds: 10,
        failurePolicy: 'Fail',
        clientConfig: { url, caBundle: readFileSync(caFile).toString('base64') },
        namespaceSelector: onlyIn(undefined, ns),
        rules: [PODS_AND_CLAIMS],
      },
    ],
  };
}

const FLOOR_DENY_LABEL = 'bench.ais-guard.io/deny';

/** One VAP and its binding, scoped to `ns`: denies only an object labelled FLOOR_DENY_LABEL. */
function trivialVap(ns) {
  const name = 'bench-vap-floor';
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [PODS_AND_CLAIMS],
        },
        validations: [
          {
            expression: `!has(object.metadata.labels) || !('${FLOOR_DENY_LABEL}' in object.metadata.labels)`,
            message: 'denied by the bench floor policy',
          },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: onlyIn(undefined, ns) },
      },
    },
  ];
}

// Namespaces are per run: without the controller manager a deleted namespace stays Terminating.
const RUN = Date.now().toString(36).slice(-5);
const nsOf = (id) => `bench-${id}-${RUN}`;
const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const setups = [];
const stops = [];
const results = {
  date: new Date().toISOString(),
  quick: QUICK,
  requests: REQUESTS,
  setups: [],
  unavailable: [],
};
try {
  const tls = benchCertificate();
  const namespace = (id) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsOf(id) } });
  const add = (id, label, version, objects) => {
    setups.push({ id, label, version, ns: nsOf(id) });
    kubectlApply([namespace(id), ...objects]);
  };

  add('none', 'no admission', '', []);
  add(
    'vap',
    'VAP (render --vap)',
    '',
    documents(cli('render', '--vap')).map((o) =>
      o.kind === 'ValidatingAdmissionPolicyBinding'
        ? { ...o, spec: { ...o.spec, matchResources: { namespaceSelector: onlyIn(undefined, nsOf('vap')) } } }
        : o,
    ),
  );
  // The floor of any policy: one VAP with one validation reading one label, bound to the same pods
  // and claims. What the apiserver's policy machinery costs before any rule of ours runs.
  const [floorPolicy, floorBinding] = trivialVap(nsOf('vap-floor'));
  add('vap-floor', 'one trivial VAP (floor)', '', [floorPolicy, floorBinding]);
  const ports = { ours: await freePort(), b1: await freePort() };
  const ours = await startNode({
    name: 'ais-guard',
    nodeFlags: NODE_FLAGS,
    args: guardServeArgs({ port: ports.ours, ...tls }),
    port: ports.ours,
  });
  stops.push(async () => ours.child.kill('SIGTERM'));
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  add(
    'ais-guard',
    'ais-guard (mutate + validate)',
    version,
    guardConfigs('ais-guard', nsOf('ais-guard'), `https://127.0.0.1:${ports.ours}`, tls.dir),
  );
  const b1 = await startNode({
    name: 'B1',
    nodeFlags: NODE_FLAGS,
    args: [join(ROOT, 'bench/baseline.mjs'), 'b1', String(ports.b1), tls.cert, tls.key],
    port: ports.b1,
  });
  stops.push(async () => b1.child.kill('SIGTERM'));
  add(
    'b1',
    'B1 (same two configurations)',
    '',
    guardConfigs('b1', nsOf('b1'), `https://127.0.0.1:${ports.b1}`, tls.dir),
  );

  for (const { peer, reason } of await discoverPeers()) {
    if (reason) {
      results.unavailable.push({ name: peer.name, version: peer.version, reason });
      continue;
    }
    try {
      const s = await peer.start({ certFile: tls.cert, keyFile: tls.key, port: await freePort() });
      stops.push(s.stop);
      const id = slug(peer.name);
      add(id, `${peer.name} (validate)`, peer.version, [peerConfig(id, nsOf(id), s.url, tls.ca)]);
    } catch (e) {
      results.unavailable.push({
        name: peer.name,
        version: peer.version,
        reason: `start failed: ${e.message.split('\n')[0]}`,
      });
    }
  }

  // In effect: every set-up's webhooks are called (the apiserver's own counter, by webhook name), and
  // the VAPs deny a hostPort target Pod. Then warm each path up.
  const hostPortPod = (ns) => {
    const pod = KINDS.pod.object(ns, 0);
    pod.spec = clone(pod.spec);
    pod.spec.containers[0].ports[0].hostPort = 51081;
    return pod;
  };
  const webhookCalls = async (id) => {
    const text = (await call('GET', '/metrics')).body;
    return text
      .split('\n')
      .filter((l) => l.startsWith('apiserver_admission_webhook_request_total{') && l.includes(`name="${id}.`))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };
  const floorDenied = (ns) => {
    const pod = KINDS.pod.object(ns, 0);
    pod.metadata.labels = { ...pod.metadata.labels, [FLOOR_DENY_LABEL]: 'yes' };
    return pod;
  };
  for (const s of setups) {
    for (let i = 0; ; i++) {
      const before = await webhookCalls(s.id);
      const answers = [];
      for (const [kind, k] of Object.entries(KINDS))
        answers.push([
          kind,
          await call('POST', `/api/v1/namespaces/${s.ns}/${k.resource}?dryRun=All`, k.object(s.ns, 0)),
        ]);
      const denied = await call('POST', `/api/v1/namespaces/${s.ns}/pods?dryRun=All`, hostPortPod(s.ns));
      const wrong = answers.filter(([, a]) => a.status !== 201);
      if (wrong.length)
        throw new Error(`${s.label}: ${wrong[0][0]} not admitted: ${wrong[0][1].body.slice(0, 300)}`);
      const refused = (r) => r.status === 422 || r.status === 403;
      const inEffect =
        s.id === 'none'
          ? true
          : s.id === 'vap'
            ? refused(denied)
            : s.id === 'vap-floor'
              ? refused(await call('POST', `/api/v1/namespaces/${s.ns}/pods?dryRun=All`, floorDenied(s.ns)))
              : (await webhookCalls(s.id)) > before;
      if (inEffect) break;
      if (i === 300) throw new Error(`${s.label}: not in effect after 300 probes`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  process.stderr.write(
    `apiserver: ${setups.length} set-ups in effect: ${setups.map((s) => s.id).join(', ')}\n`,
  );

  const modes = { dryRun: '?dryRun=All', create: '' };
  const samples = {};
  const counters = {};
  const measure = async (s, kind, mode, n, keep) => {
    const key = `${s.id} ${kind} ${mode}`;
    counters[key] ??= 0;
    for (let i = 0; i < n; i++) {
      // Dry runs all use the first name; real creates the next ones (the dry run's is never stored).
      const index = mode === 'create' ? ++counters[key] : 0;
      const r = await call(
        'POST',
        `/api/v1/namespaces/${s.ns}/${KINDS[kind].resource}${modes[mode]}`,
        KINDS[kind].object(s.ns, index),
      );
      if (r.status !== 201) throw new Error(`${key}: HTTP ${r.status} ${r.body.slice(0, 300)}`);
      if (keep) (samples[key] ??= []).push(r.ms);
    }
  };
  for (const s of setups)
    for (const kind of Object.keys(KINDS))
      for (const mode of Object.keys(modes)) await measure(s, kind, mode, WARMUP, false);
  // Interleaved request by request: each set-up and cell in turn, so a slow spell of this shared
  // machine hits all alike.
  for (let i = 0; i < REQUESTS; i++) {
    for (const s of setups)
      for (const kind of Object.keys(KINDS))
        for (const mode of Object.keys(modes)) await measure(s, kind, mode, 1, true);
    if ((i + 1) % (REQUESTS / 4) === 0) process.stderr.write(`apiserver: ${i + 1} of ${REQUESTS} per cell\n`);
  }
  // The guard's own time per call (its review histogram), to tell its work from the transport's.
  const metrics = execFileSync('curl', ['-sk', `https://127.0.0.1:${ports.ours}/metrics`]).toString();
  const total = (name) =>
    metrics
      .split('\n')
      .filter((l) => l.startsWith(name))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  results.guardMeanMsPerCall = Number(
    (
      (1000 * total('ais_guard_review_duration_seconds_sum')) /
      total('ais_guard_review_duration_seconds_count')
    ).toFixed(3),
  );

  // Nearest rank, null from too few samples (a quick run's p99 of 100): bench/stats.mjs.
  const quantile = (xs, q) =>
    quantileOfSorted(
      [...xs].sort((a, b) => a - b),
      q,
    );
  for (const s of setups) {
    const cells = {};
    for (const kind of Object.keys(KINDS))
      for (const mode of Object.keys(modes)) {
        const xs = samples[`${s.id} ${kind} ${mode}`];
        cells[`${kind} ${mode}`] = { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), n: xs.length };
      }
    results.setups.push({ id: s.id, label: s.label, version: s.version, cells });
  }
  const by = Object.fromEntries(results.setups.map((s) => [s.id, s.cells]));
  results.added = {};
  for (const cell of Object.keys(by.none))
    results.added[cell] = {
      guardOverB1Ms: Number((by['ais-guard'][cell].p50 - by.b1[cell].p50).toFixed(2)),
      vapOverNoneMs: Number((by.vap[cell].p50 - by.none[cell].p50).toFixed(2)),
      floorOverNoneMs: Number((by['vap-floor'][cell].p50 - by.none[cell].p50).toFixed(2)),
      vapOverFloorMs: Number((by.vap[cell].p50 - by['vap-floor'][cell].p50).toFixed(2)),
    };
  results.machine = {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    loadavgAfter: loadavg().map((l) => Number(l.toFixed(2))),
  };
  writeFileSync(join(ROOT, 'bench/results-apiserver.json'), JSON.stringify(results, null, 2) + '\n');

  const row = (cells) => `| ${cells.join(' | ')} |`;
  const cellNames = Object.keys(by.none);
  console.log(
    `through kube-apiserver v1.33 (e2e control plane), ${REQUESTS} sequential keep-alive requests per cell, set-ups interleaved request by request; ${results.machine.cpus} cores, load average ${results.machine.loadavgAfter[0]} after; ${results.date}`,
  );
  console.log(row(['admission', ...cellNames.map((c) => `${c} p50/p99 ms`)]));
  console.log(row(Array(cellNames.length + 1).fill('---')));
  for (const s of results.setups)
    console.log(
      row([
        `${s.label}${s.version ? ` ${s.version}` : ''}`,
        ...cellNames.map((c) => `${s.cells[c].p50} / ${s.cells[c].p99 ?? '–'}`),
      ]),
    );
  for (const u of results.unavailable)
    console.log(row([`${u.name} ${u.version}: unavailable: ${u.reason}`, ...cellNames.map(() => '')]));
  console.log(
    `ais-guard over B1, p50 ms: ${cellNames.map((c) => `${c} ${results.added[c].guardOverB1Ms}`).join(', ')}`,
  );
  console.log(
    `ais-guard's own time per webhook call (mean, from its review histogram): ${results.guardMeanMsPerCall} ms`,
  );
  console.log(
    `VAP over none, p50 ms: ${cellNames.map((c) => `${c} ${results.added[c].vapOverNoneMs}`).join(', ')}`,
  );
  console.log(
    `one trivial VAP over none, p50 ms: ${cellNames.map((c) => `${c} ${results.added[c].floorOverNoneMs}`).join(', ')}`,
  );
  console.log(
    `VAP over the trivial VAP, p50 ms: ${cellNames.map((c) => `${c} ${results.added[c].vapOverFloorMs}`).join(', ')}`,
  );
  console.log(
    `bench:apiserver: ${setups.length} set-ups measured, ${results.unavailable.length} unavailable`,
  );
} finally {
  for (const stop of stops) await stop().catch(() => {});
  agent.destroy();
}
