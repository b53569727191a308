// review hostile32: keys "__proto__", "constructor" and "prototype" anywhere in what the guard reads.
// JSON.parse (the webhook) and the yaml library (check) make them own properties; a copy or a merge
// that assigns them with `out[key] = ...` sets a prototype instead, which can pollute
// Object.prototype or make a copy read fields the object does not have. Property: judging objects
// that carry such keys, at any place and holding fields the rules read, leaves Object.prototype as
// it was and gives the verdict and patch of the same object without them (the apiserver prunes
// such unknown fields; a rule must never read through them).
import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterContext, evaluate, type KubeObject } from '../../src/policy/index.js';
import { aistore, claimName, oneNodeDisks, pvc, targetPod, targetStatefulSet } from '../support/builders.js';
import { cli } from '../support/cli.js';

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
// Fields the rules read: were one to leak through a prototype, a verdict would change.
const PAYLOAD = {
  hostPort: 51081,
  hostNetwork: true,
  disablePodAntiAffinity: true,
  volumeName: 'pv-sda',
  size: 9,
  polluted: 'yes',
  nodeName: 'node-x',
};

const before = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** Every path to an object in `value`, root included. */
function objectPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return [
    path,
    ...Object.entries(value).flatMap(([k, v]) =>
      Array.isArray(v)
        ? v.flatMap((item, i) => objectPaths(item, [...path, k, String(i)]))
        : objectPaths(v, [...path, k]),
    ),
  ];
}

/** `object` as JSON text with `key: payload` added at `path`, parsed back (an own "__proto__"). */
function withKey(object: KubeObject, path: string[], key: string): KubeObject {
  const copy = JSON.parse(JSON.stringify(object)) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const p of path) at = at[p] as Record<string, unknown>;
  const marker = '__ais_guard_marker__';
  at[marker] = PAYLOAD;
  return JSON.parse(JSON.stringify(copy).replace(`"${marker}"`, JSON.stringify(key))) as KubeObject;
}

const SUBJECTS: Record<string, () => KubeObject> = {
  'CR with a hostPort': () => aistore({ disable: true, hostPort: 51081 }),
  'CR with the legacy field': () => aistore({ legacyDisable: true }),
  'claim of a target': () => pvc(claimName(0)),
  'target pod': () => targetPod(),
  'target StatefulSet': () => targetStatefulSet(),
};
const context = () => new ClusterContext([aistore({ disable: true }), ...oneNodeDisks()]);

const verdict = (object: KubeObject, operation: 'CREATE' | 'UPDATE') => {
  const ev = evaluate(
    { operation, object, oldObject: operation === 'UPDATE' ? object : undefined },
    context(),
  );
  return {
    allowed: ev.allowed,
    findings: ev.findings.map((f) => `${f.ruleId}=${f.action}`),
    patch: ev.patch.filter((op) => !PROTO_KEYS.some((k) => op.path.split('/').includes(k))),
  };
};

describe('"__proto__", "constructor" and "prototype" keys in a judged object', () => {
  for (const [name, make] of Object.entries(SUBJECTS))
    it(`${name}: Object.prototype untouched, the verdict and patch of the object without them`, () => {
      const base = make();
      const paths = objectPaths(base);
      fc.assert(
        fc.property(
          fc.constantFrom(...paths),
          fc.constantFrom(...PROTO_KEYS),
          fc.constantFrom('CREATE' as const, 'UPDATE' as const),
          (path, key, operation) => {
            const hostile = withKey(base, path, key);
            expect(verdict(hostile, operation)).toEqual(verdict(base, operation));
          },
        ),
        { numRuns: 150 },
      );
    });
});

describe('check --fix with a "__proto__" key in the manifest', () => {
  it('moves the legacy field and reads the edit back, the key kept as written', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ais-guard-proto-')), 'cr.yaml');
    writeFileSync(
      file,
      `apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata: {name: ais, namespace: ais}
spec:
  nodeImage: aistorage/aisnode:v3.30
  disablePodAntiAffinity: true
  proxySpec: {size: 1, servicePort: 51080}
  targetSpec:
    __proto__: {hostPort: 51081, hostNetwork: true}
    size: 2
    servicePort: 51081
    mounts: [{path: /data/aistore, size: 1Ti}]
`,
    );
    const r = await cli(['check', '--fix', file]);
    expect(r.stdout).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      / {2}targetSpec:\n {4}__proto__: \{hostPort: 51081, hostNetwork: true\}\n[\s\S]* {4}disablePodAntiAffinity: true\n$/,
    );
  });
});
