// Outside review check47 of `ais-guard check`: what it found, each held to the behaviour it should have.
import { describe, expect, it } from '@jest/globals';
import { cli } from '../support/cli.js';

const CR = `apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata: {name: ais, namespace: ais}
spec:
  size: 2
  stateStorage: {hostPath: {prefix: /etc/ais}}
  targetSpec:
    size: 2
    disablePodAntiAffinity: true
`;

describe('check --fix keeps the comments after the last entry of what it edits (yaml ranges run over them)', () => {
  it('an anti-affinity removed from the end of a Pod: the comment after it, at column 0, stays', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: ais-target-1
  namespace: ais
  labels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target}
spec:
  containers: [{name: ais-node, image: aisnode}]
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - labelSelector:
            matchLabels: {app.kubernetes.io/name: ais, app.kubernetes.io/component: target}
          topologyKey: kubernetes.io/hostname
          # the operator's default term
# TODO(ops): pin to rack-2 once it is racked
`;
    const r = await cli(['check', '--fix', '-'], `${CR}---\n${pod}`);
    expect(r.stdout).toBe(`${CR}---\n${pod.replace(/ {2}affinity:[\s\S]*hostname\n/, '')}`);
  });

  it('a key added to a mapping goes after its last entry, not after the comments that follow it', async () => {
    const legacy = `apiVersion: ais.nvidia.com/v1beta1
kind: AIStore
metadata:
  name: ais
  namespace: ais
spec:
  disablePodAntiAffinity: true
  targetSpec:
    size: 2
    mounts:
      - path: /data
        size: 5Ti
        # more mounts later
# ---- end of AIStore ----
`;
    const r = await cli(['check', '--fix', '-'], legacy);
    expect(r.stdout).toBe(
      legacy
        .replace('  disablePodAntiAffinity: true\n', '')
        .replace('        size: 5Ti\n', '        size: 5Ti\n    disablePodAntiAffinity: true\n'),
    );
  });
});

describe('check: a JSON syntax error is said at its line in the file', () => {
  it('pretty JSON with a trailing comma, and the second value of a jq -c stream', async () => {
    const pretty = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'x', namespace: 'ais' },
        spec: {},
      },
      null,
      2,
    ).replace('"namespace": "ais"', '"namespace": "ais",');
    const comma = pretty.split('\n').findIndex((l) => l.endsWith('"ais",')) + 1;
    let r = await cli(['check', '-'], pretty + '\n');
    expect(r.stdout).toMatch(
      new RegExp(
        `^-:${comma + 1}: error: not valid JSON, which kubectl reads it as: Expected double-quoted property name\\n`,
      ),
    );
    expect(r.code).toBe(2);
    const stream = `${JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } })}\n${'{"apiVersion": "v1", "kind": "Namespace",\n"metadata": {"name": "b",}}'}\n`;
    r = await cli(['check', '-'], stream);
    expect(r.stdout).toMatch(/^-:3: error: not valid JSON/);
  });
});

describe('check: a mapping key kubectl cannot read fails the file, as kubectl does', () => {
  const pod = (spec: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ais}\n${spec}`;
  // kubectl: "did not find expected key" (go-yaml) for the empty key, "invalid map key" (sigs.k8s.io/
  // yaml) for the others (test/yaml-oracle holds both readers to it).
  it.each([
    ['an empty key', 'metadata:\n  labels:\n    : web\n', 5],
    ['~', 'spec: {~: 1}\n', 4],
    ['null', 'spec:\n  null: 1\n', 5],
    ['a list', 'spec:\n  [a, b]: c\n', 5],
    ['an explicit mapping key', 'spec:\n  ? {a: 1}\n  : web\n', 5],
  ])('%s', async (_, body, line) => {
    const r = await cli(
      ['check', '-'],
      pod(body).replace('metadata: {name: p, namespace: ais}\nmetadata:', 'metadata:'),
    );
    expect(r.stdout).toMatch(new RegExp(`^-:${line}: error: a mapping key that is null`, 'm'));
    expect(r.code).toBe(2);
  });

  it('the keys "null" and "" are names', async () => {
    const r = await cli(
      ['check', '-'],
      pod('spec:\n  containers: [{name: c, image: i}]\n  nodeSelector: {"null": a, "": b}\n'),
    );
    expect(r.stdout).not.toMatch(/mapping key/);
  });
});

describe('check: a JSON mistake JSON.parse names no position of is said at its line (review fix47)', () => {
  it('a trailing comma in a list, on line 5', async () => {
    const r = await cli(
      ['check', '-'],
      '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "data": ["b",\n    "c",]\n}\n',
    );
    expect(r.stdout).toMatch(/^-:5: error: not valid JSON, which kubectl reads it as: Unexpected token/);
  });
});
