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
import { makeCerts, type Guard, type StartOptions } from './support/guard.js';
import { attempt, Cleanup, create, eventually, type Obj } from './support/kube.js';
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
    async stop() {
      running = false;
      await Promise.all(workers);
      return { requests, failures };
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Traffic before, during and after `rotate`; then the checks every rotation must pass. */
async function rotateUnderLoad(guard: Guard, servedFile: string, rotate: () => Promise<void>) {
  const before = readFileSync(servedFile, 'utf8');
  expect(await servedFingerprint(guard)).toBe(fingerprintOf(before));
  const load = traffic(await aistoreNamespace(`${guard.name}-ns`));
  await sleep(2_000);
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
  await sleep(3_000);
  const { requests, failures } = await load.stop();
  expect(failures).toEqual([]);
  expect(requests).toBeGreaterThan(40);
  const metrics = await guard.get('/metrics');
  expect(metrics.body).toMatch(/^ais_guard_certificate_reloads_total\{result="ok"\} 1$/m);
}

/** Reissue the serving certificate now (it is valid for 365 days: inside a 400-day window). */
async function renew(certDir: string): Promise<void> {
  const result = ok(
    await aisGuard(['certs', '--dir', certDir, '--ip', '127.0.0.1', '--renew-before', '400d']),
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
