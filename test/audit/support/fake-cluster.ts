// A stand-in apiserver for the one-shot commands (audit, plan --from-cluster/--diff-cluster): paged
// lists with label selectors, GET of one AIStore, and the wgpolicyk8s.io and openreports.io discovery
// and server-side apply that `audit --apply` uses. The webhook's informer fake (test/support/fake-apiserver.ts) serves
// list+watch of four kinds; these commands need other kinds and verbs, so this one stands beside it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../../src/policy/index.js';

/** The report APIs `audit --apply` discovers and writes: group-version, namespaced and cluster kind. */
const REPORT_APIS = {
  policyreport: { groupVersion: 'wgpolicyk8s.io/v1alpha2', kinds: ['PolicyReport', 'ClusterPolicyReport'] },
  openreports: { groupVersion: 'openreports.io/v1alpha1', kinds: ['Report', 'ClusterReport'] },
} as const satisfies Record<string, { groupVersion: string; kinds: [string, string] }>;

const LISTS: Record<string, string> = {
  '/apis/ais.nvidia.com/v1beta1/aistores': 'AIStore',
  '/apis/apps/v1/statefulsets': 'StatefulSet',
  '/api/v1/pods': 'Pod',
  '/api/v1/persistentvolumeclaims': 'PersistentVolumeClaim',
  '/api/v1/persistentvolumes': 'PersistentVolume',
  '/api/v1/nodes': 'Node',
};

export class FakeCluster {
  /** Served when true; a 404 for the AIStore CRD's paths otherwise. */
  aistoreCrd = true;
  policyReportCrd = false;
  openReportsCrd = false;
  /** Paths starting with a key answer its status (an APIService down, a forbidden group). */
  readonly failing: Record<string, number> = {};
  /** Paths starting with a key answer 429 that many times first (storage still starting). */
  readonly busy: Record<string, number> = {};
  /** Paths starting with one of these are taken and never answered (a half-open connection). */
  readonly unanswered: string[] = [];
  /** Told each request left unanswered, as it arrives: a test gives it up then, not on a clock. */
  onUnanswered: (path: string) => void = () => {};
  readonly applied: { path: string; contentType?: string; body: KubeObject }[] = [];
  pageSize = 2;
  private readonly server = createServer((req, res) => void this.handle(req, res));

  /** The live objects: a test may change them between runs. */
  private constructor(readonly objects: KubeObject[]) {}

  static async start(objects: KubeObject[]): Promise<FakeCluster> {
    const fake = new FakeCluster(objects);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    const port = (this.server.address() as AddressInfo).port;
    kc.loadFromOptions({
      clusters: [{ name: 'f', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'c', cluster: 'f', user: 'u' }],
      currentContext: 'c',
    });
    return kc;
  }

  /** A kubeconfig file's text, for the CLI's --kubeconfig. */
  kubeConfigYaml(): string {
    return this.kubeConfig().exportConfig();
  }

  /** That kubeconfig written to a file of its own (a new temporary directory): its path. */
  kubeConfigFile(): string {
    const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-fake-cluster-')), 'kubeconfig');
    writeFileSync(file, this.kubeConfigYaml());
    return file;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private json(res: ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private notFound(res: ServerResponse): void {
    this.json(res, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (this.unanswered.some((prefix) => path.startsWith(prefix))) return this.onUnanswered(path);
    const failing = Object.keys(this.failing).find((prefix) => path.startsWith(prefix));
    if (failing)
      return this.json(res, this.failing[failing]!, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: `${path} failed on purpose`,
        code: this.failing[failing],
      });
    const busy = Object.keys(this.busy).find((prefix) => path.startsWith(prefix) && this.busy[prefix]! > 0);
    if (busy) {
      this.busy[busy]!--;
      return this.json(res, 429, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'storage is (re)initializing',
        code: 429,
      });
    }
    if (path.startsWith('/apis/ais.nvidia.com') && !this.aistoreCrd) return this.notFound(res);
    if (path.startsWith('/apis/wgpolicyk8s.io'))
      return this.reports(req, res, path, this.policyReportCrd, REPORT_APIS.policyreport);
    if (path.startsWith('/apis/openreports.io'))
      return this.reports(req, res, path, this.openReportsCrd, REPORT_APIS.openreports);
    const one = /^\/apis\/ais\.nvidia\.com\/v1beta1\/namespaces\/([^/]+)\/aistores\/([^/]+)$/.exec(path);
    if (one) {
      const cr = this.objects.find(
        (o) => o.kind === 'AIStore' && o.metadata?.namespace === one[1] && o.metadata?.name === one[2],
      );
      return cr ? this.json(res, 200, cr) : this.notFound(res);
    }
    const kind = LISTS[path];
    if (!kind || req.method !== 'GET') return this.notFound(res);
    const selector = url.searchParams.get('labelSelector');
    const matching = this.objects.filter((o) => {
      if (o.kind !== kind) return false;
      if (!selector) return true;
      const [k, v] = selector.split('=') as [string, string];
      return o.metadata?.labels?.[k] === v;
    });
    // Pages, as the apiserver gives them with limit/continue (without limit, the whole list in one
    // answer); built-in kinds' items lose apiVersion/kind.
    const from = Number(url.searchParams.get('continue') || 0);
    const size = url.searchParams.has('limit') ? this.pageSize : matching.length;
    const page = matching.slice(from, from + size).map((o) => {
      if (kind === 'AIStore') return o;
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    });
    const next = from + size < matching.length ? String(from + size) : undefined;
    this.json(res, 200, { kind: `${kind}List`, metadata: { ...(next && { continue: next }) }, items: page });
  }

  private async reports(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    served: boolean,
    api: { groupVersion: string; kinds: [string, string] },
  ): Promise<void> {
    if (!served) return this.notFound(res);
    const resource = (kind: string, namespaced: boolean) => ({
      name: `${kind.toLowerCase()}s`,
      singularName: kind.toLowerCase(),
      namespaced,
      kind,
      verbs: ['get', 'list', 'patch'],
    });
    if (path === `/apis/${api.groupVersion}`)
      return this.json(res, 200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: api.groupVersion,
        resources: [resource(api.kinds[0], true), resource(api.kinds[1], false)],
      });
    // A list across namespaces (GET /apis/<gv>/<plural>): the reports applied so far, latest of each.
    const list = new RegExp(`^/apis/${api.groupVersion}/([a-z]+)$`).exec(path);
    if (req.method === 'GET' && list) {
      const kind = api.kinds.find((k) => `${k.toLowerCase()}s` === list[1]);
      const latest = new Map<string, KubeObject>();
      for (const { body } of this.applied)
        if (body.kind === kind) latest.set(`${body.metadata?.namespace}/${body.metadata?.name}`, body);
      return this.json(res, 200, { kind: `${kind}List`, metadata: {}, items: [...latest.values()] });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as KubeObject;
    this.applied.push({
      path: `${req.method} ${path}${new URL(req.url ?? '', 'http://x').search}`,
      contentType: req.headers['content-type'],
      body,
    });
    this.json(res, 200, body);
  }
}
