// Issue 17 item 5: every peer's policy (bench/peers) gives the verdicts ais-guard's evaluate() gives
// on the shared verdict set, so the side-by-side numbers compare equal work. Needs the peers' Go
// binaries: run through `npm run test:peers` (test/peers/run.sh builds them), not `npm test`.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { EMPTY_CONTEXT, evaluate, type KubeObject, type Operation } from '../../src/policy/index.js';
import {
  VERDICTS,
  TOOLS,
  gatorTemplateText,
  kyvernoPolicyText,
  opaPeer,
  runTool as run,
  type OfflineTool,
} from '../../bench/peers/index.mjs';

const ROOT = new URL('../../', import.meta.url);
// test/peers/run.sh's PEERS: the peers built for this run (all when unset).
const PEERS = process.env.PEERS?.split(/\s+/).filter(Boolean);
const picked = (peer: string | undefined) => peer === undefined || !PEERS || PEERS.includes(peer);
const work = mkdtempSync(join(tmpdir(), 'ais-guard-peers-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the shared verdict set', () => {
  it.each(VERDICTS.map((v) => [v.name, v] as const))('%s: evaluate() agrees', (_name, v) => {
    const r = v.review.request;
    const e = evaluate(
      { operation: r.operation as Operation, object: r.object as KubeObject },
      EMPTY_CONTEXT,
    );
    expect(e.allowed).toBe(v.allowed);
  });

  it('holds allowed and denied reviews of both kinds', () => {
    const kinds = (allowed: boolean) =>
      new Set(VERDICTS.filter((v) => v.allowed === allowed).map((v) => v.review.request.kind.kind));
    expect([...kinds(false)].sort()).toEqual(['PersistentVolumeClaim', 'Pod']);
    expect([...kinds(true)].sort()).toEqual(['PersistentVolumeClaim', 'Pod']);
  });
});

describe('generated peer policies are fresh', () => {
  it('kyverno/policy.yaml is render --vap as ValidatingPolicies', async () => {
    const file = new URL('bench/peers/kyverno/policy.yaml', ROOT);
    expect(readFileSync(file, 'utf8')).toBe(await kyvernoPolicyText());
  });
  it('gatekeeper/template.yaml embeds rego/aisguard.rego', async () => {
    const file = new URL('bench/peers/gatekeeper/template.yaml', ROOT);
    expect(readFileSync(file, 'utf8')).toBe(await gatorTemplateText());
  });
});

(picked('opa') ? describe : describe.skip)('OPA server (opa run --server, TLS, default decision)', () => {
  let server: { url: string; stop(): Promise<void> } | undefined;
  beforeAll(async () => {
    const reason = await opaPeer.prepare();
    if (reason) throw new Error(reason);
    const certs = join(work, 'certs');
    const made = await run([
      process.execPath,
      fileURLToPath(new URL('dist/cli/main.js', ROOT)),
      'certs',
      '--dir',
      certs,
      '--ip',
      '127.0.0.1',
    ]);
    if (made.code !== 0) throw new Error(`ais-guard certs: ${made.stderr}`);
    server = await opaPeer.start({
      certFile: join(certs, 'tls.crt'),
      keyFile: join(certs, 'tls.key'),
      port: 20000 + (process.pid % 20000),
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it.each(VERDICTS.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const ca = readFileSync(join(work, 'certs', 'ca.crt'));
    const body = JSON.stringify(v.review);
    const answer = await new Promise<string>((resolve, reject) => {
      const req = request(
        server!.url,
        { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode}: ${text}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const review = JSON.parse(answer) as {
      apiVersion: string;
      kind: string;
      response: { uid: string; allowed: boolean };
    };
    expect(review.apiVersion).toBe('admission.k8s.io/v1');
    expect(review.kind).toBe('AdmissionReview');
    expect(review.response.uid).toBe(v.review.request.uid);
    expect(review.response.allowed).toBe(v.allowed);
  });
});

describe.each(TOOLS.filter((t) => picked(t.peer)).map((t) => [t.name, t] as const))(
  'offline: %s',
  (_name, tool: OfflineTool) => {
    beforeAll(async () => {
      await tool.prepare();
    });

    it.each(VERDICTS.map((v, i) => [v.name, v, i] as const))('%s', async (_case, v, i) => {
      const dir = join(work, `${tool.peer ?? 'check'}-${i}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const object = v.review.request.object;
      writeFileSync(join(dir, 'docs.yaml'), stringify(object));
      writeFileSync(join(dir, 'docs.json'), JSON.stringify([object]));
      const r = await run(tool.argv(dir));
      if (!tool.okCodes.includes(r.code))
        throw new Error(`${tool.name} exited ${r.code}: ${r.stderr || r.stdout}`);
      expect(tool.denied(r.stdout)).toBe(v.allowed ? 0 : 1);
    });
  },
);
