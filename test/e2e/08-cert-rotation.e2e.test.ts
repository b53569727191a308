// Issue 6, scenario 8: the serving certificate is renewed while the apiserver keeps sending reviews.
// A new certificate from the same CA replaces the files atomically, (1) in place, by rename, as
// `ais-guard certs --renew-before` does, and (2) as the kubelet updates a mounted Secret (a new
// timestamped directory, then the ..data symlink swapped by rename). No review may fail, the guard
// logs "serving certificate reloaded" with the new fingerprint, and new connections get the new cert.
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { ARTIFACTS, suffix } from './support/env.js';
import { ofKind, one, variant } from './support/fixtures.js';
import { makeCerts, startGuard, type Guard, type StartOptions } from './support/guard.js';
import { attempt, Cleanup, create, eventually, mergePatch, read, type Obj } from './support/kube.js';
import { aisGuard, ok } from './support/run.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
beforeAll(() => installAistoreCrd());
afterAll(() => cleanup.run());

const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

/** The certificate a new TLS connection to the guard is given. */
function servedFingerprint(guard: Guard): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: guard.port, ca: guard.ca }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256;
      socket.end();
      if (fingerprint) resolve(fingerprint);
      else reject(new Error('no peer certificate'));
    });
    socket.on('error', reject);
  });
}

/** A namespace with CR ais and its two disks, known to the guard (a dry-run claim comes back bound). */
async function aistoreNamespace(prefix: string): Promise<{ misnamed: Obj; claim: Obj; disk: string }> {
  const namespace = await cleanup.namespace(prefix);
  const place = { namespace, node: `${namespace}-node` };
  await create(one('01', place));
  for (const pv of ofKind('04', 'PersistentVolume', place)) await cleanup.createOwned(pv);
  const claim = one('05', place); // ais-data-aistore-ais-target-1
  const misnamed = variant(claim, (o) => {
    o.metadata.name = `${namespace}-data-aistore-ais-target-1`;
  });
  const disk = `${place.node}-pv-ais-sdb`;
  await eventually('the guard binds the claim in a dry run', async () => {
    const dry = await create(claim, { dryRun: true });
    if ((dry.spec as { volumeName?: string }).volumeName !== disk) throw new Error('not bound');
  });
  return { misnamed, claim, disk };
}

interface Traffic {
  /** Resolves once `n` more requests have been answered: traffic that flowed, counted, not timed. */
  more(n: number): Promise<void>;
  stop(): Promise<{ requests: number; failures: string[] }>;
}

/**
 * Reviews through the apiserver from 4 concurrent clients until stopped: a misnamed claim must be
 * denied by the guard (validating webhook, Fail), a correct one must come back bound to its disk
 * (mutating webhook, Ignore: a failed call would silently drop the binding, so that counts too).
 */
function traffic({ misnamed, claim, disk }: { misnamed: Obj; claim: Obj; disk: string }): Traffic {
  let running = true;
  let requests = 0;
  const failures: string[] = [];
  const worker = async () => {
    while (running) {
      requests += 2;
      const denied = await attempt(create(misnamed, { dryRun: true }));
      if (denied.ok || !denied.rejection.message.includes('ais-guard denied PersistentVolumeClaim'))
        failures.push(`misnamed claim: ${denied.ok ? 'admitted' : denied.rejection.message}`);
      const admitted = await attempt(create(claim, { dryRun: true }));
      if (!admitted.ok) failures.push(`claim: ${admitted.rejection.message}`);
      else if ((admitted.value.spec as { volumeName?: string }).volumeName !== disk)
        failures.push('claim: admitted without the mutating webhook binding it');
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  return {
    async more(n) {
      const target = requests + n;
      await eventually(`${n} more reviews`, () => expect(requests).toBeGreaterThanOrEqual(target), {
        timeoutMs: 120_000,
        intervalMs: 50,
      });
    },
    async stop() {
      running = false;
      await Promise.all(workers);
      return { requests, failures };
    },
  };
}

/** Traffic before, during and after `rotate`; then the checks every rotation must pass. */
async function rotateUnderLoad(guard: Guard, servedFile: string, rotate: () => Promise<void>) {
  const before = readFileSync(servedFile, 'utf8');
  expect(await servedFingerprint(guard)).toBe(fingerprintOf(before));
  const load = traffic(await aistoreNamespace(`${guard.name}-ns`));
  try {
    await load.more(20);
    await rotate();
    const after = readFileSync(servedFile, 'utf8');
    const fingerprint = fingerprintOf(after);
    expect(fingerprint).not.toBe(fingerprintOf(before));
    // Same CA: the caBundle the apiserver holds stays valid.
    expect(new X509Certificate(after).checkIssued(new X509Certificate(guard.ca))).toBe(true);
    await eventually('the guard logs the reload', () =>
      expect(guard.logs()).toContainEqual(
        expect.objectContaining({ msg: 'serving certificate reloaded', fingerprint }),
      ),
    );
    await eventually('new connections get the new certificate', async () =>
      expect(await servedFingerprint(guard)).toBe(fingerprint),
    );
    await load.more(30);
  } catch (error) {
    // The load's workers loop until stopped: left running, they keep jest from exiting.
    await load.stop();
    throw error;
  }
  const { requests, failures } = await load.stop();
  expect(failures).toEqual([]);
  expect(requests).toBeGreaterThan(40);
  const metrics = await guard.get('/metrics');
  expect(metrics.body).toMatch(/^ais_guard_certificate_reloads_total\{result="ok"\} 1$/m);
}

/**
 * Reissue the serving certificate now: it is valid for 365 days, inside a 366-day window, and the
 * window must be shorter than the new certificate's lifetime (certs refuses one that is not).
 */
async function renew(certDir: string): Promise<void> {
  const result = ok(
    await aisGuard([
      'certs',
      '--dir',
      certDir,
      '--ip',
      '127.0.0.1',
      '--days',
      '400',
      '--renew-before',
      '366d',
    ]),
    'ais-guard certs --renew-before',
  );
  expect(result.stdout).toMatch(/CA {7}.*ca\.crt: kept/);
  expect(result.stdout).toMatch(
    /serving {2}.*tls\.crt: issued \(it expires on .*, within the renewal window\)/,
  );
}

it('ais-guard certs --renew-before replaces the files in place: zero failed reviews', async () => {
  const guard = await guardFor(cleanup, { name: 'rotate-in-place' });
  await rotateUnderLoad(guard, join(guard.certDir, 'tls.crt'), () => renew(guard.certDir));
});

it('a Secret update (kubelet swaps the ..data symlink): zero failed reviews', async () => {
  // The Secret's content is made and renewed by `ais-guard certs`; the mount is laid out as the
  // kubelet's atomic writer does: files are symlinks into ..data, itself a symlink to a version dir.
  const source = join(ARTIFACTS, `secret-source-${suffix()}`);
  const mount = join(ARTIFACTS, `secret-mount-${suffix()}`);
  await makeCerts(source);
  let version = 0;
  const publish = () => {
    const dir = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${++version}`;
    mkdirSync(join(mount, dir), { recursive: true });
    for (const f of ['tls.crt', 'tls.key', 'ca.crt']) copyFileSync(join(source, f), join(mount, dir, f));
    symlinkSync(dir, join(mount, '..data_tmp'));
    renameSync(join(mount, '..data_tmp'), join(mount, '..data')); // the atomic switch
    return dir;
  };
  const first = publish();
  for (const f of ['tls.crt', 'tls.key', 'ca.crt']) symlinkSync(join('..data', f), join(mount, f));
  const opts: StartOptions = {
    name: 'rotate-secret',
    certDir: source,
    tlsCert: join(mount, 'tls.crt'),
    tlsKey: join(mount, 'tls.key'),
  };
  const guard = await guardFor(cleanup, opts);
  await rotateUnderLoad(guard, join(mount, 'tls.crt'), async () => {
    await renew(source);
    publish();
    rmSync(join(mount, first), { recursive: true }); // the kubelet removes the old version
  });
});

/** Replaces tls.crt, tls.key and ca.crt of `dir` with those of `from`, each by rename (ca.crt first). */
function install(from: string, dir: string): void {
  for (const f of ['ca.crt', 'tls.key', 'tls.crt']) {
    copyFileSync(join(from, f), join(dir, `${f}.new`));
    renameSync(join(dir, `${f}.new`), join(dir, f));
  }
}

const VALIDATING = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name: 'ais-guard' },
};
type Webhook = { name: string; clientConfig: { url?: string; caBundle?: string } };
const webhooksOf = async () => ((await read(VALIDATING))?.webhooks ?? []) as Webhook[];

it('a new CA under --manage-webhook-config, two replicas loading it a minute apart: zero failed reviews', async () => {
  // Two replicas of one Secret: A and B serve copies of the same pair. The validating webhooks are
  // registered once for each (the apiserver calls both on every review, failurePolicy Fail), so a
  // caBundle that stops trusting either replica's certificate fails reviews at once.
  const a = await guardFor(cleanup, {
    name: 'ca-rotate-a',
    args: ['--manage-webhook-config', '--ca-overlap', '600'],
  });
  const bDir = join(ARTIFACTS, `ca-rotate-b-${suffix()}`);
  mkdirSync(bDir, { recursive: true });
  install(a.certDir, bDir);
  copyFileSync(join(a.certDir, 'ca.key'), join(bDir, 'ca.key')); // startGuard's `certs` keeps what is there
  // B settles one second after its own change: once it serves the new CA, the old one may go.
  const b = await startGuard({
    name: 'ca-rotate-b',
    certDir: bDir,
    args: ['--manage-webhook-config', '--ca-overlap', '1'],
  });
  cleanup.add(`guard ${b.name}`, () => b.stop());
  const forA = await webhooksOf();
  const forB = forA.map((w) => ({
    ...w,
    name: `b-${w.name}`,
    clientConfig: { ...w.clientConfig, url: w.clientConfig.url!.replace(a.url, b.url) },
  }));
  await mergePatch(VALIDATING as Obj, { webhooks: [...forA, ...forB] });
  const namespace = await aistoreNamespace('ca-rotate-ns');
  // Claims reach B only through its Ignore webhook (storage-by-name): a target StatefulSet goes
  // through storage.validate, Fail, so a replica the apiserver does not trust fails it.
  const place = {
    namespace: namespace.misnamed.metadata.namespace!,
    node: `${namespace.misnamed.metadata.namespace!}-node`,
  };
  await eventually(
    'the apiserver calls replica B too, through a Fail webhook',
    async () => {
      await attempt(create(one('08', place), { dryRun: true })); // hostPort: denied by both
      expect(b.reviews('StatefulSet', place.namespace, 'ais-target')).not.toEqual([]);
    },
    { timeoutMs: 60_000 },
  );
  let running = true;
  let sent = 0;
  const statefulSets = (async () => {
    const failures: string[] = [];
    for (; running; sent++) {
      const outcome = await attempt(create(one('07', place), { dryRun: true })); // admitted by both
      if (!outcome.ok) failures.push(outcome.rejection.message);
    }
    return { failures };
  })();

  const load = traffic(namespace);
  const newCa = join(ARTIFACTS, `ca-rotate-new-${suffix()}`);
  await makeCerts(newCa);
  const caPem = readFileSync(join(newCa, 'ca.crt'), 'utf8');
  expect(fingerprintOf(caPem)).not.toBe(fingerprintOf(a.ca));
  const overlapped = (log: Guard) =>
    log.logs().filter((l) => l.msg === 'webhook configurations trust the current CA' && l.step === 'overlap');
  install(newCa, a.certDir); // A's kubelet projects the new Secret first
  await eventually('A writes the new CA beside the old one', async () => {
    expect(overlapped(a).length).toBeGreaterThan(0);
    const bundles = (await webhooksOf()).map((w) =>
      Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString(),
    );
    for (const bundle of bundles) expect(bundle).toBe(`${caPem}${a.ca.endsWith('\n') ? a.ca : `${a.ca}\n`}`);
  });
  // B still serves the old CA's certificate: reviews, through B's Fail webhook too, must keep passing.
  const sentBefore = sent;
  await load.more(30);
  await eventually(
    'StatefulSet reviews while B serves the old CA',
    () => expect(sent).toBeGreaterThan(sentBefore + 5),
    {
      timeoutMs: 120_000,
      intervalMs: 50,
    },
  );
  install(newCa, bDir); // B's kubelet, a while later
  await eventually('B settles: every webhook trusts the new CA alone', async () => {
    expect(b.logs()).toContainEqual(
      expect.objectContaining({ msg: 'webhook configurations trust the current CA', step: 'settle' }),
    );
    const bundles = (await webhooksOf()).map((w) => w.clientConfig.caBundle);
    expect(new Set(bundles)).toEqual(new Set([Buffer.from(caPem).toString('base64')]));
  });
  await load.more(20); // reviews on the new CA alone
  await eventually('StatefulSet reviews through both replicas', () => expect(sent).toBeGreaterThan(20), {
    timeoutMs: 120_000,
    intervalMs: 50,
  });
  const { requests, failures } = await load.stop();
  running = false;
  expect(failures).toEqual([]);
  const { failures: refused } = await statefulSets;
  expect(refused).toEqual([]);
  expect(sent).toBeGreaterThan(20);
  expect(requests).toBeGreaterThan(40);
});
