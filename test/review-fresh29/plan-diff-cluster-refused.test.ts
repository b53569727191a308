// Review fresh29: `plan --diff-cluster` (docs/plan.md: `ais-guard plan --disks disks.yaml ais.yaml
// --diff-cluster --missing | kubectl apply -f -`) run with credentials that may not list PVs (a
// namespace admin: PVs are cluster-scoped, listing them needs a ClusterRole) or against an apiserver
// that is down. The list's error went past plan's own reporting to main's last resort, which prints
// a stack trace for anything that is not a system error:
//   ais-guard: KubeRequestError: GET /api/v1/persistentvolumes?limit=500: 403 persistentvolumes is
//   forbidden: User "dev" cannot list resource "persistentvolumes" ...
//       at IncomingMessage.<anonymous> (file:///.../dist/k8s/kubeconfig.js:202:28) ...
// and a refused connection printed "ais-guard: connect ECONNREFUSED ..." without the command.
// Expected, as `plan --from-cluster` and `audit` do: one line naming the command and the refusal, exit 2.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '../..');
const DISKS = join(ROOT, 'examples/disks.yaml');
const CR = join(ROOT, 'examples/multi-target/01-aistore.yaml');
const FORBIDDEN =
  'persistentvolumes is forbidden: User "dev" cannot list resource "persistentvolumes" in API group "" at the cluster scope';

let dir: string;
let server: Server;
const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
current-context: c
contexts:
- name: c
  context: {cluster: k, user: u}
clusters:
- name: k
  cluster: {server: "${server}", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: x}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fresh29-plan-'));
  server = createServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Forbidden',
        code: 403,
        message: FORBIDDEN,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await writeFile(join(dir, 'forbidden'), kubeconfig(`http://127.0.0.1:${port}`));
  // A port nothing listens on: the one just closed.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port: gone } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await writeFile(join(dir, 'down'), kubeconfig(`http://127.0.0.1:${gone}`));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI; a rejection is what bin/ais-guard.js prints as a stack trace. */
const run = (argv: string[]) =>
  cli(argv).catch((e: Error) => ({ code: -1, stdout: '', stderr: `ais-guard: ${String(e.stack)}` }));

describe('review fresh29: plan --diff-cluster when the cluster refuses or is down', () => {
  it('PVs not listable: one line naming plan and the refusal, exit 2, no stack', async () => {
    const r = await run([
      'plan',
      '--disks',
      DISKS,
      CR,
      '--diff-cluster',
      '--missing',
      '--kubeconfig',
      join(dir, 'forbidden'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ais-guard plan: /);
    expect(lines[0]).toContain(FORBIDDEN);
  });

  it('the apiserver down: one line naming plan, exit 2', async () => {
    const r = await run(['plan', '--disks', DISKS, CR, '--diff-cluster', '--kubeconfig', join(dir, 'down')]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ais-guard plan: .*ECONNREFUSED/);
  });
});
