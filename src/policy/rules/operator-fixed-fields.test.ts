import { describe, expect, it } from '@jest/globals';
import { aistore, DATA_MOUNT, run } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';
import type { KubeObject } from '../types.js';

/** The CR with `targetSpec` / `proxySpec` fields added to the builder's. */
function cr(targetSpec: Record<string, unknown> = {}, proxySpec: Record<string, unknown> = {}, more = {}) {
  const base = aistore({ size: 2, disable: true });
  const spec = base.spec as Record<string, Record<string, unknown>>;
  return {
    ...base,
    spec: {
      ...spec,
      targetSpec: { ...spec.targetSpec, ...targetSpec },
      proxySpec: { ...spec.proxySpec, ...proxySpec },
      ...more,
    },
  } as KubeObject;
}
const update = (name: string, object: KubeObject, oldObject: KubeObject, warn: RegExp[] = []): Row => ({
  name,
  object,
  operation: 'UPDATE',
  oldObject,
  expect: { warn },
});

const rows: Row[] = [
  { name: 'CREATE: nothing to compare', object: cr({ hostPort: 51081 }), expect: {} },
  // What the operator copies onto the stored spec (allowDaemonSpecUpdates, validateTargetUpdate).
  update(
    'UPDATE of fields a live CR may change: size, labels, env, pdb',
    cr(
      { size: 5, labels: { a: 'b' }, env: [{ name: 'X', value: '1' }], pdb: { enabled: true } },
      { size: 3 },
    ),
    cr(),
  ),
  update('UPDATE: hostPort added', cr({ hostPort: 51081 }), cr(), [
    /^spec.targetSpec.hostPort changes on a live CR \(unset to 51081\): the operator refuses any change to it/,
  ]),
  update('UPDATE: hostPort removed', cr(), cr({ hostPort: 51081 }), [/\(51081 to unset\)/]),
  update('UPDATE: hostPort 0 is not unset (a pointer in the operator)', cr({ hostPort: 0 }), cr(), [
    /\(unset to 0\)/,
  ]),
  update('UPDATE: a mount added', cr({ mounts: [DATA_MOUNT, { ...DATA_MOUNT, path: '/data/b' }] }), cr(), [
    /^spec.targetSpec.mounts changes on a live CR/,
  ]),
  update('UPDATE: proxySpec hostPort changed', cr({}, { hostPort: 51080 }), cr(), [
    /^spec.proxySpec.hostPort changes on a live CR/,
  ]),
  update('UPDATE: enableExternalLB turned on', cr({}, {}, { enableExternalLB: true }), cr(), [
    /^spec.enableExternalLB changes on a live CR \(false to true\)/,
  ]),
  // Review serve46: a key that is also a JS built-in's name was read through the prototype (a
  // function), and formatting it threw: the rule's "could not judge" denied a valid update.
  ...['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((key) =>
    update(
      `UPDATE: a nodeSelector key named ${key} is a change like any other`,
      cr({ nodeSelector: JSON.parse(`{"a": "b", "${key}": "x"}`) as Record<string, string> }),
      cr({ nodeSelector: { a: 'b' } }),
      [new RegExp(`^spec.targetSpec.nodeSelector changes on a live CR \\(at /${key}: unset to "x"\\)`)],
    ),
  ),
  // As the operator decodes them (equality.Semantic): null, [] and an empty map are as absent...
  update(
    'UPDATE: an empty nodeSelector, null affinity or empty tolerations list is no change',
    cr({ nodeSelector: {}, affinity: null, tolerations: [] }),
    cr(),
  ),
  update(
    'UPDATE: empty maps that are Go values deep in affinity (podAffinityTerm, matchLabels) are no change',
    cr({
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, podAffinityTerm: { topologyKey: 'h', labelSelector: { matchLabels: {} } } },
          ],
        },
      },
    }),
    cr({
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, podAffinityTerm: { topologyKey: 'h', labelSelector: {} } },
          ],
        },
      },
    }),
  ),
  // ...but an empty map where Go has a pointer to a struct decodes to a non-nil pointer: a change.
  update('UPDATE: affinity: {} added (a non-nil *Affinity)', cr({ affinity: {} }), cr(), [
    /^spec.targetSpec.affinity changes on a live CR \(unset to \{\}\)/,
  ]),
  update(
    'UPDATE: affinity.podAntiAffinity: {} added',
    cr({ affinity: { podAntiAffinity: {} } }),
    cr({ affinity: {} }),
    [/^spec.targetSpec.affinity changes on a live CR \(at \/podAntiAffinity: unset to \{\}\)/],
  ),
  update('UPDATE: a mount selector: {} added', cr({ mounts: [{ ...DATA_MOUNT, selector: {} }] }), cr(), [
    /^spec.targetSpec.mounts changes on a live CR \(at \/0\/selector: unset to \{\}\)/,
  ]),
  update('UPDATE: proxySpec externalAccess: {} removed', cr(), cr({}, { externalAccess: {} }), [
    /^spec.proxySpec.externalAccess changes on a live CR \(\{\} to unset\)/,
  ]),
  // validateStateStorageUpdate: the target StatefulSet's claim templates cannot change.
  update(
    'UPDATE moving the state from hostPath onto claims',
    cr({}, {}, { stateStorage: { pvc: { storageClass: 'state-sc' } } }),
    cr({}, {}, { stateStorage: { hostPath: { prefix: '/etc/ais' } } }),
    [/^the target state claims' storage class changes on a live CR \(no state claims to "state-sc"\)/],
  ),
  update(
    "UPDATE changing the state claims' class",
    cr({}, {}, { stateStorage: { pvc: { storageClass: 'fast' } } }),
    cr({}, {}, { stateStorageClass: 'slow' }),
    [/\("slow" to "fast"\)/],
  ),
  update(
    'UPDATE moving the state off claims (to emptyDir)',
    cr({}, {}, { stateStorage: { emptyDir: {} } }),
    cr({}, {}, { stateStorage: { pvc: { storageClass: 'slow' } } }),
  ),
  update(
    'UPDATE naming the same state class through stateStorage instead of the deprecated field',
    cr({}, {}, { stateStorage: { pvc: { storageClass: 'slow' } } }),
    cr({}, {}, { stateStorageClass: 'slow' }),
  ),
  // Review "today14" F3: the CRD keeps no unknown fields under proxySpec/targetSpec, so the apiserver
  // prunes a misspelt key before the operator decodes anything (`check --base` compares raw files).
  update("UPDATE adding a key that is no field of the operator's (a typo)", cr({ hostPorts: [51081] }), cr()),
  // anti-affinity-not-disabled keeps a stored true the update drops: nothing changes for the operator.
  update(
    'UPDATE dropping a stored disablePodAntiAffinity: true: kept by the guard, no change',
    (() => {
      const o = cr();
      delete ((o.spec as Record<string, Record<string, unknown>>).targetSpec as Record<string, unknown>)
        .disablePodAntiAffinity;
      return o;
    })(),
    cr(),
  ),
  update('UPDATE turning disablePodAntiAffinity false', cr({ disablePodAntiAffinity: false }), cr(), [
    /^spec.targetSpec.disablePodAntiAffinity changes on a live CR \(true to false\)/,
  ]),
];

describe('rule operator-fixed-fields', () => {
  it.each(rows)('$name', (row) => {
    checkRow('operator-fixed-fields', row);
  });

  // Review "today3": the operator compares mounts with equality.Semantic, whose Quantity equality is
  // by value (apimachinery pkg/api/equality/semantic.go): 1Ti rewritten as 1024Gi is no change.
  it('a mount size written another way is no change; a different size is', () => {
    const sized = (size: string) => cr({ mounts: [{ ...DATA_MOUNT, size }] });
    const said = (object: KubeObject, oldObject: KubeObject) =>
      run({ name: '', object, operation: 'UPDATE', oldObject }).findings.filter(
        (f) => f.ruleId === 'operator-fixed-fields',
      );
    expect(said(sized('1024Gi'), sized('1Ti'))).toEqual([]);
    expect(said(sized('107374182400'), sized('100Gi'))).toEqual([]);
    // Review "today14" F1: exactly, as Quantity.Cmp (4.1 * 1e12 is not 4100 * 1e9 in floating point).
    expect(said(sized('4.1T'), sized('4100G'))).toEqual([]);
    expect(said(sized('1.1P'), sized('1100T'))).toEqual([]);
    expect(said(sized('2Ti'), sized('1Ti')).map((f) => f.message)).toEqual([
      expect.stringMatching(/^spec.targetSpec.mounts changes on a live CR \(at \/0\/size: "1Ti" to "2Ti"\)/),
    ]);
    // A second mount: the message names where, not two clipped copies of the first mount.
    const two = cr({ mounts: [DATA_MOUNT, { ...DATA_MOUNT, path: '/data/b' }] });
    expect(said(two, cr()).map((f) => f.message)).toEqual([
      expect.stringMatching(/\(at \/1: unset to \{"path":"\/data\/b"/),
    ]);
  });
});
