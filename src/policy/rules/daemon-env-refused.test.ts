// Each row is an env list Kubernetes' pod validation (pkg/apis/core/validation ValidateEnv,
// validateEnvVarValueFrom, v1.33) refuses or takes, on the ais-node container of the StatefulSet the
// operator renders from the CR, or on the admin client's container. The e2e suite
// (test/e2e/23-daemon-pods) asks the real apiserver about the pods of the operator's own rendering.
import { describe, expect, it } from '@jest/globals';
import { EMPTY_CONTEXT, evaluate, type KubeObject } from '../index.js';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

type Spec = Record<string, Record<string, unknown>>;

/** The CR with `env` on the targets (or the section named). */
function cr(
  env: unknown[],
  section: 'targetSpec' | 'proxySpec' | 'adminClient' = 'targetSpec',
  fields: Record<string, unknown> = {},
): KubeObject {
  const o = structuredClone(aistore());
  const spec = o.spec as Spec;
  spec[section] = { ...spec[section], ...fields, env };
  return o;
}
const from = (valueFrom: Record<string, unknown>, name = 'X') => cr([{ name, valueFrom }]);

const REFUSED =
  /^spec.targetSpec: Kubernetes refuses every target pod made from the operator's StatefulSet \(from 1.36 the StatefulSet itself\): /;

const rows: Row[] = [
  {
    name: 'env Kubernetes takes',
    object: cr([
      { name: 'AIS_LOG_LEVEL', value: '3' },
      { name: 'my.setting-1 with spaces', value: '' },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.host' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app.kubernetes.io/name']" } } },
      { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['Example.com/Note']" } } },
      { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
      { name: 'HUGE', valueFrom: { resourceFieldRef: { resource: 'requests.hugepages-2Mi' } } },
      { name: 'TOKEN', value: '', valueFrom: { secretKeyRef: { name: 'ais-token', key: 'token.v1' } } },
      { name: 'CONF', valueFrom: { configMapKeyRef: { name: 'ais.conf', key: '.hidden', optional: true } } },
    ]),
    expect: {},
  },
  {
    name: "a name with '='",
    object: cr([{ name: 'A=B', value: '1' }]),
    expect: {
      warn: [
        new RegExp(
          REFUSED.source +
            /env\[0\]: name "A=B" is not printable ASCII without '='\. The targets never start/.source,
        ),
      ],
    },
  },
  {
    name: 'an empty name, and one that is not ASCII',
    object: cr([{ name: '' }, { name: 'PFAD_Ä' }]),
    expect: { warn: [/env\[0\]: name "" is not printable .+; env\[1\]: name "PFAD_Ä" is not printable/] },
  },
  {
    name: 'valueFrom beside a value',
    object: cr([{ name: 'IP', value: 'x', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]),
    expect: { warn: [/env\[0\] \(IP\): valueFrom beside a value/] },
  },
  {
    name: 'valueFrom with no source, and with two',
    object: cr([
      { name: 'A', valueFrom: {} },
      {
        name: 'B',
        valueFrom: { fieldRef: { fieldPath: 'status.podIP' }, secretKeyRef: { name: 's', key: 'k' } },
      },
    ]),
    expect: {
      warn: [
        /env\[0\] \(A\): valueFrom names none of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef; env\[1\] \(B\): valueFrom names fieldRef and secretKeyRef/,
      ],
    },
  },
  {
    name: 'a label written without its subscript',
    object: from({ fieldRef: { fieldPath: 'metadata.labels.app' } }),
    expect: { warn: [/valueFrom.fieldRef.fieldPath "metadata.labels.app" is none Kubernetes resolves/] },
  },
  {
    name: 'a pod field env cannot name, and a label key that is none',
    object: cr([
      { name: 'A', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } },
      { name: 'B', valueFrom: { fieldRef: { fieldPath: "metadata.labels['a b']" } } },
    ]),
    expect: { warn: [/"status.phase" is none Kubernetes resolves .+ "metadata.labels\['a b'\]" is none/] },
  },
  {
    name: 'a fieldRef of another apiVersion',
    object: from({ fieldRef: { apiVersion: 'apps/v1', fieldPath: 'metadata.name' } }),
    expect: { warn: [/valueFrom.fieldRef.apiVersion "apps\/v1" is not v1/] },
  },
  {
    name: 'a resourceFieldRef to no container resource',
    object: from({ resourceFieldRef: { resource: 'limits.nvidia.com/gpu' } }),
    expect: { warn: [/valueFrom.resourceFieldRef.resource "limits.nvidia.com\/gpu" is none of limits.cpu/] },
  },
  {
    name: 'a secret name in capitals, a key with a slash',
    object: from({ secretKeyRef: { name: 'AIS-Token', key: 'a/b' } }),
    expect: {
      warn: [
        /valueFrom.secretKeyRef.name "AIS-Token" is no object name; .*valueFrom.secretKeyRef.key "a\/b" is no key name/,
      ],
    },
  },
  {
    name: 'a config map key starting with ..',
    object: from({ configMapKeyRef: { name: 'c', key: '..data' } }),
    expect: { warn: [/configMapKeyRef.key "..data" is no key name/] },
  },
  {
    name: 'the proxies, named as such',
    object: cr([{ name: 'A=B' }], 'proxySpec'),
    expect: { warn: [/^spec.proxySpec: Kubernetes refuses every proxy pod .+ The proxies never start/] },
  },
  {
    name: 'the admin client, whose Deployment Kubernetes refuses',
    object: cr([{ name: 'A=B' }], 'adminClient'),
    expect: {
      warn: [
        /^spec.adminClient: Kubernetes refuses the admin client Deployment the operator makes from it: env\[0\]: name "A=B"/,
      ],
      fix: [/^Fix spec.adminClient.env: /],
    },
  },
  {
    name: 'an admin client that is not enabled is not made',
    object: cr([{ name: 'A=B' }], 'adminClient', { enabled: false }),
    expect: {},
  },
  {
    name: 'on UPDATE too',
    object: cr([{ name: 'A=B' }]),
    operation: 'UPDATE',
    oldObject: cr([]),
    expect: { warn: [REFUSED] },
  },
];

describe('rule daemon-env-refused', () => {
  it.each(rows)('$name', (row) => {
    checkRow('daemon-env-refused', row);
  });
});

describe('rule daemon-env-refused on hostile lists', () => {
  const warningOf = (object: KubeObject) => {
    const found = evaluate({ operation: 'CREATE', object }, EMPTY_CONTEXT).findings.filter(
      (f) => f.ruleId === 'daemon-env-refused',
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('names five of 20,000 bad variables and counts the rest', () => {
    const { message } = warningOf(cr(Array.from({ length: 20_000 }, () => ({ name: 'A=B' }))));
    expect(message).toMatch(/env\[4\]: name "A=B" .+ \(and 19995 more\)/);
    expect(message.length).toBeLessThan(3_000);
  });

  it('reads a fieldPath of a million characters in one pass, and quotes it clipped', () => {
    // "['" over and over, not ending in "']": a backtracking split would take quadratic time.
    const { message } = warningOf(
      from({ fieldRef: { fieldPath: `metadata.labels${"['".repeat(500_000)}` } }),
    );
    expect(message).toMatch(/fieldRef.fieldPath "metadata.labels\['\['.*…" is none/);
    expect(message.length).toBeLessThan(3_000);
  }, 10_000);

  it('a fieldPath that opens its subscript first is no label', () => {
    expect(warningOf(from({ fieldRef: { fieldPath: "['a']metadata.labels['b']" } })).message).toMatch(
      /is none/,
    );
  });
});
