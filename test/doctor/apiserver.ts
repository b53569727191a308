// A stand-in apiserver (plain HTTP) serving a healthy base install in namespace ais-guard, for
// doctor's CLI tests: the paths doctor GETs, the SubjectAccessReviews it POSTs, and knobs for the
// ways a real one refuses, throttles or fails. (The real apiserver: test/e2e/13-doctor.e2e.test.ts.)
import { afterEach } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderManifests, type KObject } from '../../src/deploy/index.js';
import { b64, type Certs } from './support.js';

export interface ApiserverOptions {
  /** Paths (prefixes) answered 403. */
  refuse?: string[];
  /** Permissions ("verb resource") SubjectAccessReviews answer not allowed. */
  deny?: string[];
  /** Who the user is (a SelfSubjectReview's answer); admin by default. */
  self?: string;
  /** Edits the Deployment's container args. */
  args?: (args: string[]) => string[];
  /** Paths (prefixes) the apiserver answers with this status, every time (503: unavailable). */
  unavailable?: { paths: string[]; code: number };
  /** The caBundle the webhook configurations carry (PEM); the certs' CA by default. */
  caBundle?: string;
  /** More objects served, by path (the audit CronJob, a report API's discovery). */
  serve?: Record<string, unknown>;
  /** Permissions ("verb resource") SubjectAccessReviews answer not allowed for this user only. */
  denyAs?: Record<string, string[]>;
  /** Answers a request before the defaults do (throttling, say); true when it did. */
  first?: (req: IncomingMessage, url: URL, res: ServerResponse) => boolean;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

export const sendJson = (res: ServerResponse, code: number, body: unknown, headers = {}) => {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Starts the stand-in (closed after each test); its kubeconfig, and every request it was asked. */
export async function fakeApiserver(
  certs: Certs,
  opts: ApiserverOptions = {},
): Promise<{ kubeconfig: string; asked: string[] }> {
  const rendered = await renderManifests({
    caBundle: b64(opts.caBundle ?? certs.ca.cert),
    webhooksOnly: true,
  });
  const deployment = (await renderManifests({})).find((o) => o.kind === 'Deployment') as KObject & {
    spec: { template: { spec: { containers: { args: string[] }[] } } };
  };
  if (opts.args) for (const c of deployment.spec.template.spec.containers) c.args = opts.args(c.args);
  const byPath: Record<string, unknown> = {
    '/apis/apps/v1/namespaces/ais-guard/deployments/ais-guard': deployment,
    '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/ais-guard': rendered.find(
      (o) => o.kind === 'ValidatingWebhookConfiguration',
    ),
    '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/ais-guard': rendered.find(
      (o) => o.kind === 'MutatingWebhookConfiguration',
    ),
    '/api/v1/namespaces/ais-guard/services/ais-guard': { spec: { ports: [{ name: 'https', port: 443 }] } },
    '/apis/discovery.k8s.io/v1/namespaces/ais-guard/endpointslices': {
      items: [
        {
          ports: [{ name: 'https', port: 8443 }],
          endpoints: [{ addresses: ['10.1.0.5'], conditions: { ready: true } }],
        },
      ],
    },
    '/api/v1/namespaces/ais-guard/secrets/ais-guard-tls': { data: { 'tls.crt': b64(certs.serving.cert) } },
    '/api/v1/namespaces/ais-guard/serviceaccounts/ais-guard': {},
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/aistores.ais.nvidia.com': {
      spec: { group: 'ais.nvidia.com', versions: [{ name: 'v1beta1', served: true, storage: true }] },
      status: { conditions: [{ type: 'Established', status: 'True' }] },
    },
    ...opts.serve,
  };
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    asked.push(`${req.method} ${url.pathname}${url.search}`);
    if (opts.first?.(req, url, res)) return;
    if (opts.unavailable?.paths.some((p) => url.pathname.startsWith(p)))
      return sendJson(res, opts.unavailable.code, {
        kind: 'Status',
        code: opts.unavailable.code,
        message: 'the server is currently unable to handle the request',
      });
    if (opts.refuse?.some((p) => url.pathname.startsWith(p)))
      return sendJson(res, 403, { kind: 'Status', code: 403, message: `${url.pathname} is forbidden` });
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString()) as {
          spec: { user?: string; resourceAttributes?: { verb: string; resource: string } };
        };
        if (url.pathname === '/apis/authentication.k8s.io/v1/selfsubjectreviews')
          return sendJson(res, 201, { ...review, status: { userInfo: { username: opts.self ?? 'admin' } } });
        const attrs = review.spec.resourceAttributes;
        const right = `${attrs?.verb} ${attrs?.resource}`;
        const allowed =
          !opts.deny?.includes(right) && !opts.denyAs?.[review.spec.user ?? '']?.includes(right);
        sendJson(res, 201, { ...review, status: { allowed } });
      });
      return;
    }
    const namespace = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(url.pathname);
    if (namespace) return sendJson(res, 200, { metadata: { name: namespace[1], labels: {} } });
    const body = byPath[url.pathname];
    return body
      ? sendJson(res, 200, body)
      : sendJson(res, 404, { kind: 'Status', code: 404, message: 'not found' });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'ais-guard-doctor-')), 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`,
  );
  return { kubeconfig, asked };
}
