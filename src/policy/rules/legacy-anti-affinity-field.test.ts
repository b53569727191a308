import { describe, expect, it } from '@jest/globals';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const rows: Row[] = [
  {
    name: 'CREATE: moved to targetSpec',
    object: aistore({ legacyDisable: true }),
    expect: {
      warn: [/removed in ais-operator v2.0.0.*moved to spec.targetSpec.disablePodAntiAffinity: true/],
      patched: true,
    },
  },
  {
    name: 'CREATE: false is dropped',
    object: aistore({ legacyDisable: false }),
    expect: { warn: [/dropped: it was not true/], patched: true },
  },
  {
    name: 'CREATE: both set, targetSpec wins and the message says so',
    object: aistore({ legacyDisable: true, disable: false }),
    expect: {
      warn: [
        /dropped: spec.targetSpec.disablePodAntiAffinity already says false, and that is what the operator reads/,
      ],
      patched: true,
    },
  },
  {
    name: 'CREATE: targetSpec not an object, nothing to move it to',
    object: { ...aistore({ legacyDisable: true }), spec: { disablePodAntiAffinity: true, targetSpec: 'x' } },
    expect: { warn: [/dropped: spec.targetSpec is not an object it could move to/], patched: true },
  },
  {
    name: 'UPDATE: denied',
    object: aistore({ legacyDisable: true }),
    operation: 'UPDATE',
    oldObject: aistore(),
    expect: { deny: [/operator also rejects changes to spec.targetSpec on UPDATE/] },
  },
  { name: 'current field only', object: aistore({ disable: true }), expect: {} },
];

describe('rule legacy-anti-affinity-field', () => {
  it.each(rows)('$name', (row) => {
    checkRow('legacy-anti-affinity-field', row);
  });

  it('writes the patch the operator understands', () => {
    const ev = checkRow('legacy-anti-affinity-field', rows[0] as Row);
    expect(ev.patch).toEqual(
      expect.arrayContaining([
        { op: 'remove', path: '/spec/disablePodAntiAffinity' },
        { op: 'add', path: '/spec/targetSpec/disablePodAntiAffinity', value: true },
      ]),
    );
  });

  it('keeps an explicit targetSpec value', () => {
    const ev = checkRow('legacy-anti-affinity-field', rows[2] as Row);
    expect(ev.patch).toEqual([{ op: 'remove', path: '/spec/disablePodAntiAffinity' }]);
  });
});
