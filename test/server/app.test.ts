// The HTTP surface with supertest: every endpoint, and a table of bad input.
import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { aistore, claimName, oneNodeDisks, pv, pvc, targetPod } from '../support/builders.js';
import { testApp } from '../support/app.js';
import { decodePatch, fixedCluster, reviewOf } from '../support/review.js';

const json = (app: Parameters<typeof request>[0], path: string, body: unknown) =>
  request(app)
    .post(path)
    .set('content-type', 'application/json')
    .send(typeof body === 'string' ? body : JSON.stringify(body));

describe('POST /validate', () => {
  const { app } = testApp({ context: [aistore({ namespace: 'ais-prod', disable: true })] });

  it('denies with 403, the rule and the fix, echoing the uid', async () => {
    const res = await json(
      app,
      '/validate',
      reviewOf(pvc('ais-prod-data-aistore-ais-target-0', { namespace: 'ais-prod' }), { uid: 'uid-42' }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-42', allowed: false, status: { code: 403 } },
    });
    expect(res.body.response.status.message).toMatch(
      /^ais-guard denied PersistentVolumeClaim ais-prod\/ais-prod-data-aistore-ais-target-0: \[pvc-name\] .* Fix: Name it ais-data-aistore-ais-target-0\./,
    );
    expect(res.body.response.auditAnnotations).toEqual({
      findings: 'pvc-name=deny',
      layout: 'multi-target: spec.targetSpec.disablePodAntiAffinity is true',
    });
    expect(res.body.response.patch).toBeUndefined();
  });

  it('allows a correct claim; never patches; says when a mutation was not applied', async () => {
    const { app: withDisks } = testApp({ context: [aistore({ disable: true }), ...oneNodeDisks()] });
    const bound = await json(withDisks, '/validate', reviewOf(pvc(claimName(0), { volumeName: 'pv-sda' })));
    expect(bound.body.response).toEqual({ uid: expect.any(String), allowed: true });
    const unbound = await json(withDisks, '/validate', reviewOf(pvc(claimName(0))));
    expect(unbound.body.response.patch).toBeUndefined();
    expect(unbound.body.response.warnings).toEqual([
      expect.stringMatching(
        /^ais-guard target-disk-binding https:\S+#target-disk-binding: not applied \(the mutating webhook did .* Fix: Write spec\.volumeName: pv-sda in your manifest\.$/,
      ),
    ]);
  });

  it('warns in warn mode instead of denying', async () => {
    const { app: warnApp } = testApp({
      context: [aistore({ namespace: 'ais-prod', disable: true })],
      config: { modes: { default: 'warn' } },
    });
    const res = await json(
      warnApp,
      '/validate',
      reviewOf(pvc('ais-prod-data-aistore-ais-target-0', { namespace: 'ais-prod' })),
    );
    expect(res.body.response.allowed).toBe(true);
    expect(res.body.response.warnings).toEqual([
      expect.stringMatching(
        /^ais-guard pvc-name https:\S+#pvc-name: claim "ais-prod-data-aistore-ais-target-0", which is not a .* Fix: Name it ais-data-aistore-ais-target-0\.$/,
      ),
    ]);
  });

  it('audit mode allows and only annotates', async () => {
    const { app: auditApp } = testApp({ config: { modes: { default: 'audit' } } });
    const res = await json(auditApp, '/validate', reviewOf(aistore({ disable: true, hostPort: 51081 })));
    expect(res.body.response).toMatchObject({
      allowed: true,
      auditAnnotations: {
        findings: 'target-host-port=audit',
        detail: expect.stringMatching(/^\[target-host-port\]/),
      },
    });
    expect(res.body.response.warnings).toBeUndefined();
  });

  it('says so when the cluster context is not loaded', async () => {
    const { app: cold } = testApp({ synced: false });
    // A claim the operator's label marks as AIStore's (the selector labels alone would need the CR).
    const labelled = pvc(claimName(0), {
      labels: {
        'app.kubernetes.io/name': 'ais',
        'app.kubernetes.io/component': 'target',
        'app.kubernetes.io/managed-by': 'ais-operator',
      },
    });
    const res = await json(cold, '/validate', reviewOf(labelled));
    expect(res.body.response.warnings).toContain(
      'ais-guard: cluster context not loaded yet; judged from this request alone',
    );
  });

  it('leaves excluded namespaces, DELETE and subresources alone', async () => {
    const bad = aistore({ disable: true, hostPort: 1, namespace: 'kube-system' });
    expect((await json(app, '/validate', reviewOf(bad))).body.response).toEqual({
      uid: expect.any(String),
      allowed: true,
    });
    const del = reviewOf(aistore({ disable: true, hostPort: 1 }), {
      operation: 'DELETE',
      oldObject: aistore(),
    });
    expect((await json(app, '/validate', del)).body.response.allowed).toBe(true);
    const status = reviewOf(aistore({ disable: true, hostPort: 1 }));
    (status.request as Record<string, unknown>).subResource = 'status';
    expect((await json(app, '/validate', status)).body.response.allowed).toBe(true);
  });

  it('leaves a PV alone when the claim it is bound to is in an excluded namespace', async () => {
    const shared = (claimNamespace: string) =>
      reviewOf(pv('pv-sda', { claim: claimName(0), claimNamespace, accessModes: ['ReadWriteMany'] }));
    expect((await json(app, '/validate', shared('ais'))).body.response.allowed).toBe(false);
    expect((await json(app, '/validate', shared('kube-system'))).body.response).toEqual({
      uid: expect.any(String),
      allowed: true,
    });
    const { app: excluding } = testApp({ config: { excludeNamespaces: ['team-x'] } });
    expect((await json(excluding, '/validate', shared('team-x'))).body.response.allowed).toBe(true);
    expect((await json(excluding, '/validate', shared('ais'))).body.response.allowed).toBe(false);
    const { app: only } = testApp({ config: { includeNamespaces: ['ais'] } });
    expect((await json(only, '/validate', shared('other'))).body.response.allowed).toBe(true);
  });

  it('judges an included namespace list', async () => {
    const { app: only } = testApp({ config: { includeNamespaces: ['ais'] } });
    expect(
      (await json(only, '/validate', reviewOf(aistore({ disable: true, hostPort: 1, namespace: 'other' }))))
        .body.response.allowed,
    ).toBe(true);
    expect(
      (await json(only, '/validate', reviewOf(aistore({ disable: true, hostPort: 1 })))).body.response
        .allowed,
    ).toBe(false);
  });

  it.each([
    ['deny', false],
    ['allow', true],
  ] as const)('answers a review it cannot judge with failure mode %s', async (failureMode, allowed) => {
    const broken = {
      ...fixedCluster(),
      context: () => {
        throw new Error('cache corrupted');
      },
    };
    const { app: failing, metrics } = testApp({ cluster: broken, config: { failureMode } });
    const res = await json(failing, '/validate', reviewOf(aistore({ disable: true }), { uid: 'broken-1' }));
    expect(res.status).toBe(200);
    expect(res.body.response).toMatchObject({
      uid: 'broken-1',
      allowed,
      auditAnnotations: { error: 'Error: cache corrupted' },
    });
    const text = `could not judge AIStore ais/ais (Error: cache corrupted); failure mode ${failureMode}`;
    if (allowed) expect(res.body.response.warnings).toEqual([`ais-guard ${text}`]);
    else
      expect(res.body.response.status).toEqual({
        code: 403,
        reason: 'Forbidden',
        message: `ais-guard ${text}`,
      });
    expect(await metrics.registry.metrics()).toMatch(
      /ais_guard_reviews_total\{endpoint="validate",verdict="error"\} 1/,
    );
  });
});

describe('POST /mutate', () => {
  const { app } = testApp({ context: [aistore({ disable: true }), ...oneNodeDisks('node-7')] });

  it('returns the patch base64, only the mutation warnings, and never denies', async () => {
    const res = await json(app, '/mutate', reviewOf(targetPod({ ordinal: 1, hostPort: 51081 })));
    expect(res.body.response.allowed).toBe(true);
    expect(res.body.response.patchType).toBe('JSONPatch');
    expect(
      decodePatch(res.body.response)
        .map((op) => (op as { path: string }).path)
        .sort(),
    ).toEqual(['/metadata/annotations', '/spec/affinity']);
    expect(res.body.response.warnings).toEqual([
      expect.stringMatching(
        /^ais-guard target-disk-binding https:\S+#target-disk-binding: bound target pod ais-target-1 to node /,
      ),
    ]);
  });

  it('sends no patch when nothing changes', async () => {
    const res = await json(app, '/mutate', reviewOf(aistore({ disable: true })));
    expect(res.body.response).toEqual({ uid: expect.any(String), allowed: true });
  });

  it('changes nothing in audit mode', async () => {
    const { app: auditApp } = testApp({
      context: [aistore({ disable: true }), ...oneNodeDisks()],
      config: { modes: { default: 'audit' } },
    });
    const res = await json(auditApp, '/mutate', reviewOf(pvc(claimName(0))));
    expect(res.body.response.patch).toBeUndefined();
  });
});

describe('bad input', () => {
  // Each row gets a fresh app, and so fresh counters: no row depends on another having run.
  type App = ReturnType<typeof testApp>['app'];
  const review = reviewOf(pvc(claimName(0)), { uid: 'u-bad' });
  const huge = (app: App) =>
    json(app, '/validate', {
      ...review,
      request: {
        ...review.request,
        object: { ...review.request.object, blob: 'x'.repeat(8 * 1024 * 1024) },
      },
    });
  const rows: [string, (app: App) => request.Test, number, RegExp][] = [
    ['non-JSON body', (app) => json(app, '/validate', '{not json'), 400, /^body is not valid JSON/],
    [
      'wrong content type',
      (app) => request(app).post('/validate').set('content-type', 'text/plain').send(JSON.stringify(review)),
      415,
      /content-type must be application\/json, got "text\/plain"/,
    ],
    [
      'no content type',
      (app) => request(app).post('/validate').send(Buffer.from('{}')),
      415,
      /content-type must be application\/json/,
    ],
    ['empty body', (app) => json(app, '/validate', ''), 400, /empty body/],
    [
      'v1beta1 review',
      (app) => json(app, '/validate', { ...review, apiVersion: 'admission.k8s.io/v1beta1' }),
      400,
      /only admission.k8s.io\/v1/,
    ],
    [
      'missing request',
      (app) => json(app, '/validate', { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
      400,
      /request is missing/,
    ],
    [
      'missing uid',
      (app) => json(app, '/mutate', { ...review, request: { ...review.request, uid: undefined } }),
      400,
      /request.uid is missing/,
    ],
    [
      'object not matching its kind',
      (app) =>
        json(app, '/validate', {
          ...review,
          request: { ...review.request, kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' } },
        }),
      400,
      /request.object is v1 PersistentVolumeClaim but request.kind is apps\/v1 StatefulSet/,
    ],
    [
      'huge object',
      (app) =>
        json(app, '/validate', {
          ...review,
          request: {
            ...review.request,
            object: { ...review.request.object, blob: 'x'.repeat(8 * 1024 * 1024) },
          },
        }),
      413,
      /over the 7340032-byte limit/,
    ],
    [
      // JSON.parse's time grows with the arrays and objects, not the bytes: a million take about
      // half a second, 3.5 million nested seconds, while every other review waits behind it.
      'a million empty arrays',
      (app) =>
        json(app, '/validate', {
          ...review,
          request: { ...review.request, object: { ...review.request.object, blob: Array(1e6).fill([]) } },
        }),
      413,
      /more than 500000 JSON arrays and objects/,
    ],
    ['unknown route', (app) => request(app).post('/admit'), 404, /no route for POST \/admit/],
    ['GET on an admission route', (app) => request(app).get('/validate'), 404, /no route for GET \/validate/],
  ];
  const cases = rows.map(([name, send, status, message]) => ({ name, send, status, message }));
  it.each(cases)('$name → $status', async ({ send, status, message }) => {
    const res = await send(testApp().app);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatch(message);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/); // no stack traces
  });

  it('deep nesting is a 400 from the JSON parser or a judged review, never a crash', async () => {
    const res = await json(testApp().app, '/validate', '['.repeat(200000) + ']'.repeat(200000));
    expect([200, 400]).toContain(res.status);
  });

  it('a large review of ordinary shape is judged: 200,000 objects in 3 MiB', async () => {
    const items = Array.from({ length: 200_000 }, (_, i) => ({ k: `v${i}` }));
    const res = await json(testApp().app, '/validate', {
      ...review,
      request: { ...review.request, object: { ...review.request.object, items } },
    });
    expect(res.status).toBe(200);
  });

  it('counts refusals by reason', async () => {
    const { app, metrics } = testApp();
    await json(app, '/validate', '{not json');
    await json(app, '/validate', '');
    await huge(app);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/ais_guard_errors_total\{endpoint="validate",reason="bad_review"\} 2\n/);
    expect(text).toMatch(/ais_guard_errors_total\{endpoint="validate",reason="too_large"\} 1\n/);
  });
});

describe('health, readiness, metrics', () => {
  it('healthz is up while the process is', async () => {
    const { app } = testApp();
    expect((await request(app).get('/healthz')).body).toEqual({ status: 'ok' });
  });

  it('readyz waits for the cache and fails while draining', async () => {
    const cold = testApp({ synced: false });
    const res = await request(cold.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual({ tls: true, cluster: false, draining: false });
    const warm = testApp();
    expect((await request(warm.app).get('/readyz')).status).toBe(200);
    warm.state.draining = true;
    expect((await request(warm.app).get('/readyz')).status).toBe(503);
  });

  it('readyz with --manage-webhook-config waits for the caBundle once, then does not follow it', async () => {
    const { app, state } = testApp();
    // Without --manage-webhook-config there is no such check.
    expect((await request(app).get('/readyz')).body.checks).not.toHaveProperty('caBundle');
    state.caBundleTrusted = false;
    const waiting = await request(app).get('/readyz');
    expect({ status: waiting.status, checks: waiting.body.checks }).toEqual({
      status: 503,
      checks: { tls: true, cluster: true, draining: false, caBundle: false },
    });
    state.caBundleTrusted = true; // the keeper's first write landed (src/cli/serve.ts, onTrusted)
    expect((await request(app).get('/readyz')).status).toBe(200);
  });

  it('metrics count reviews by verdict and findings by rule', async () => {
    const { app } = testApp();
    await json(app, '/validate', reviewOf(aistore({ disable: true, hostPort: 1 })));
    const res = await request(app).get('/metrics');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/ais_guard_reviews_total\{endpoint="validate",verdict="denied"\} 1/);
    expect(res.text).toMatch(/ais_guard_findings_total\{rule="target-host-port",action="deny"\} 1/);
    expect(res.text).toMatch(/ais_guard_review_duration_seconds_bucket/);
    expect(res.text).toMatch(/ais_guard_in_flight_reviews 0/);
  });
});

describe('the request target', () => {
  // RFC 9112 3.2.2: a server accepts the absolute form too (review serve46: it was a 404 naming the
  // very route it asked for). supertest sends only the origin form, so a raw request line here.
  it('in absolute form, with the query the apiserver appends, reaches the admission route', async () => {
    const server = createServer(testApp().app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const body = JSON.stringify(reviewOf(targetPod(), { uid: 'absolute' }));
    try {
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `https://127.0.0.1:${port}/validate?timeout=5s`,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.end(body);
      const [res] = (await once(req, 'response')) as [IncomingMessage];
      let text = '';
      for await (const chunk of res) text += String(chunk);
      expect(res.statusCode).toBe(200);
      expect(JSON.parse(text).response).toMatchObject({ uid: 'absolute', allowed: true });
    } finally {
      server.close();
    }
  });

  // An outside attack (atk53): `POST https://[::1/validate` got express's HTML 404 page.
  it.each(['https://[::1/validate', '*', 'https://host:port/validate'])(
    '%s: a JSON 400, no HTML',
    async (target) => {
      const server = createServer(testApp().app).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      try {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: target });
        req.end('{}');
        const [res] = (await once(req, 'response')) as [IncomingMessage];
        let text = '';
        for await (const chunk of res) text += String(chunk);
        expect({ status: res.statusCode, type: res.headers['content-type'], body: JSON.parse(text) }).toEqual(
          {
            status: 400,
            type: expect.stringMatching(/^application\/json/),
            body: { error: 'the request target is neither a path nor an absolute URL' },
          },
        );
      } finally {
        server.close();
      }
    },
  );
});
