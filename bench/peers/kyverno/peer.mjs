// Kyverno's admission controller (cmd/kyverno, built by `build.sh controller`) as a webhook peer of
// the side-by-side benches, serving the ValidatingPolicies of policy.yaml out of cluster against
// the e2e control plane (bench/peers/cluster.mjs), which holds its CRDs (read from the Go module
// at run time), policies, TLS secrets and leader Lease in namespace NS. It serves the bench's
// serving pair (the TLS secret) and is asked on /vpol/<policy>/<policy>, the path its own webhook
// registration gives the two policies. Flags and log level as the release manifest deploys it,
// except where noted at ARGS. start() returns once both policies deny (deniedReviews) and Kyverno
// does not lead (assertFollower).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { parseAllDocuments } from 'yaml';
import { CASES } from '../../reviews.mjs';
import { freePort } from '../../servers.mjs';
import { controlPlane, controlPlaneMissing } from '../cluster.mjs';
import { buildPeer } from '../go-peer.mjs';

const HERE = new URL('.', import.meta.url).pathname;
const POLICY = join(HERE, 'policy.yaml');
const VERSION = process.env.KYVERNO_VERSION ?? 'v1.19.1';
const MODULE = 'github.com/kyverno/kyverno';
const NS = 'ais-guard-kyverno';
const SECRETS = { ca: 'kyverno-tls-ca', pair: 'kyverno-tls-pair' };
// The names a release install gives these (Kyverno reads them from its environment).
const ENV = {
  KYVERNO_NAMESPACE: NS,
  KYVERNO_SERVICEACCOUNT_NAME: 'kyverno-admission-controller',
  KYVERNO_ROLE_NAME: 'kyverno:admission-controller',
  KYVERNO_DEPLOYMENT: 'kyverno-admission-controller',
  KYVERNO_POD_NAME: 'kyverno-admission-controller-bench',
  KYVERNO_SVC: 'kyverno-svc',
  INIT_CONFIG: 'kyverno',
  METRICS_CONFIG: 'kyverno-metrics',
};
const LEASE_HOLDER = 'ais-guard-bench-placeholder';
let bin;
let crds;
let cluster;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const b64 = (file) => readFileSync(file).toString('base64');
/** kubectl against the control plane; its output as text. */
const kubectl = (args, input) =>
  execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfig, ...args], { input, stdio: 'pipe' })
    .toString()
    .trim();

/** Reviews each of the two policies denies once loaded: a hostPort target pod, a misnamed target claim. */
function deniedReviews() {
  const pod = JSON.parse(CASES.find((c) => c.id === 'validate-target-pod').text);
  pod.request.object.spec.containers[0].ports[0].hostPort = 51081;
  const claim = JSON.parse(CASES.find((c) => c.id === 'validate-target-pvc').text);
  // With the operator's label: a policy sees the object alone, not the CR behind the claim.
  claim.request.object.metadata.name = 'not-a-target-claim-name';
  claim.request.object.metadata.labels['app.kubernetes.io/managed-by'] = 'ais-operator';
  return [pod, claim].map((review) => JSON.stringify(review));
}

/**
 * Throws unless Kyverno is a follower: the placeholder still holds the Lease and no webhook
 * configuration of Kyverno's exists (a Kyverno that leads registers them for the whole cluster, with
 * failurePolicy Fail, pointing at this short-lived process). Another version may name its Lease otherwise.
 */
function assertFollower() {
  const get = (...args) => kubectl(['get', ...args]);
  const holder = get('lease', 'kyverno', '-n', NS, '-o', 'jsonpath={.spec.holderIdentity}');
  const configs = get('validatingwebhookconfigurations,mutatingwebhookconfigurations', '-o', 'name')
    .split('\n')
    .filter((name) => /\/kyverno-/.test(name));
  if (holder !== LEASE_HOLDER || configs.length > 0)
    throw new Error(
      `Kyverno ${VERSION} leads (Lease holder ${holder || 'none'}; ${configs.join(', ') || 'no webhooks yet'}): ` +
        'delete its webhook configurations from the control plane and give the peer its Lease name',
    );
}

/** The `allowed` of one review, or undefined while the server does not answer one. */
function allowed(url, body) {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', rejectUnauthorized: false, timeout: 5000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString()).response?.allowed);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
    req.setHeader('content-type', 'application/json');
    req.end(body);
  });
}

/**
 * What Kyverno reads from the cluster. The Lease is held by a placeholder for ten years, so this
 * process never leads: the leader registers Kyverno's webhooks cluster-wide (with
 * --autoUpdateWebhooks=false, a catch-all one for every resource with failurePolicy Fail), which
 * would put Kyverno in front of every other set-up of bench:apiserver; apiserver.mjs registers it
 * scoped to its own namespace instead. Serving admission does not need the lead (the other
 * replicas of an HA install serve as this one does), nor do the leader's other tasks here
 * (policy status, VAP generation from policies).
 */
function objects(certFile, keyFile) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, '.000000Z');
  const ca = join(dirname(certFile), 'ca.crt');
  const secret = (name, type, data) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS },
    type,
    data,
  });
  // Also the namespaces of the bench's reviews: in a cluster a request's namespace exists, and Kyverno
  // asks the apiserver for one its cache lacks, on every request.
  const namespaces = new Set([NS, ...CASES.map((c) => c.body.request.namespace).filter(Boolean)]);
  return [
    ...[...namespaces].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    secret(SECRETS.pair, 'kubernetes.io/tls', { 'tls.crt': b64(certFile), 'tls.key': b64(keyFile) }),
    secret(SECRETS.ca, 'Opaque', { 'tls.crt': b64(ca) }),
    {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kyverno', namespace: NS },
      spec: {
        holderIdentity: LEASE_HOLDER,
        leaseDurationSeconds: 10 * 365 * 24 * 3600,
        acquireTime: now,
        renewTime: now,
      },
    },
    ...parseAllDocuments(readFileSync(POLICY, 'utf8')).map((d) => d.toJS()),
  ];
}

export default {
  name: 'kyverno',
  version: VERSION,
  async prepare() {
    try {
      bin = await buildPeer(import.meta.url, 'build.sh', ['controller']);
      // The module build.sh built from: its CRDs are the ones this binary expects.
      const mod = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${VERSION}`], {
        cwd: tmpdir(),
        env: { ...process.env, GOTOOLCHAIN: 'local' },
      });
      crds = join(JSON.parse(mod.toString()).Dir, 'config/crds');
    } catch (e) {
      return `Kyverno controller ${VERSION} build failed: ${e.message.split('\n')[0]}`;
    }
    return controlPlaneMissing();
  },
  async start({ certFile, keyFile, port }) {
    if (!bin) throw new Error('kyverno peer: prepare() first');
    cluster = controlPlane();
    const t0 = Date.now();
    // Server-side apply: the CRDs are too large for kubectl's last-applied annotation.
    const apply = ['apply', '--server-side', '--force-conflicts'];
    kubectl([...apply, '-R', '-f', crds]);
    kubectl(['wait', '--for=condition=Established', '--timeout=120s', '-R', '-f', crds]);
    const items = objects(certFile, keyFile);
    kubectl([...apply, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));

    // ARGS: as the release manifest deploys the admission controller, except: loopback ports of
    // our choosing; certificates from the secrets above, not its own (--disableCertManagerController);
    // no admission reports (an EphemeralReport per allowed request would load the apiserver under
    // the benches' thousands of requests, and ais-guard writes none); no log colours (a file).
    const args = [
      `--kubeconfig=${cluster.kubeconfig}`,
      `--caSecretName=${SECRETS.ca}`,
      `--tlsSecretName=${SECRETS.pair}`,
      '--disableCertManagerController',
      '--serverIP=127.0.0.1',
      `--servicePort=${port}`,
      '--webhookServerHost=127.0.0.1',
      `--webhookServerPort=${port}`,
      '--metricsHost=127.0.0.1',
      `--metricsPort=${await freePort()}`,
      `--controllerRuntimeMetricsAddress=127.0.0.1:${await freePort()}`,
      '--admissionReports=false',
      '--omitEvents=PolicyApplied,PolicySkipped',
      '--loggingFormat=text',
      '--disableLogColor',
      '--v=2',
    ];
    // Log to a file, not a pipe: the bench's load runs block this process's event loop.
    const log = join(mkdtempSync(join(tmpdir(), 'ais-guard-kyverno-')), 'kyverno.log');
    const fd = openSync(log, 'a');
    const child = spawn(bin, args, {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...ENV },
    });
    closeSync(fd);
    const exited = once(child, 'exit').catch(() => {});
    const names = items.filter((o) => o.kind === 'ValidatingPolicy').map((o) => o.metadata.name);
    const url = `https://127.0.0.1:${port}/vpol/${names.join('/')}`;
    const denied = deniedReviews();
    const deadline = Date.now() + 180_000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
      const answers = await Promise.all(denied.map((review) => allowed(url, review)));
      if (answers.every((a) => a === false)) {
        try {
          assertFollower();
        } catch (e) {
          child.kill('SIGKILL');
          throw e;
        }
        process.stderr.write(`peers: kyverno ready in ${Date.now() - t0} ms (log: ${log})\n`);
        return {
          url,
          pid: child.pid,
          async stop() {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill('SIGTERM');
            const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
            await exited;
            clearTimeout(timer);
          },
        };
      }
      await sleep(200);
    }
    child.kill('SIGKILL');
    const last = readFileSync(log, 'utf8').trim().split('\n').pop();
    throw new Error(
      `Kyverno did not deny a hostPort target pod and a misnamed target claim${last ? `: ${last}` : ''} (log: ${log})`,
    );
  },
};
