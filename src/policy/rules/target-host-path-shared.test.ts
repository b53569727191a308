import { describe, it } from '@jest/globals';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const rows: Row[] = [
  {
    name: 'useHostPath mount in multi-target',
    object: aistore({ disable: true, mounts: [{ path: '/ais/sda', useHostPath: true }] }),
    expect: {
      deny: [
        /mount \/ais\/sda uses useHostPath .*mounts \/ais\/sda\/ais\/ais\/target with no per-pod subPath/,
      ],
    },
  },
  {
    name: 'one deny per hostPath mount, PVC mounts fine',
    object: aistore({
      disable: true,
      mounts: [
        { path: '/ais/sda', useHostPath: true },
        { path: '/data/aistore' },
        { path: '/ais/sdb', useHostPath: true },
      ],
    }),
    expect: { deny: [/\/ais\/sda/, /\/ais\/sdb/] },
  },
  {
    name: 'useHostPath with one target per node',
    object: aistore({ mounts: [{ path: '/ais/sda', useHostPath: true }] }),
    expect: {},
  },
  {
    name: 'useHostPath on a single-target CR with anti-affinity off: warned on CREATE, refused on scale-out',
    object: aistore({ disable: true, size: 1, mounts: [{ path: '/ais/sda', useHostPath: true }] }),
    expect: {
      warn: [
        /mount \/ais\/sda uses useHostPath with target anti-affinity disabled: targets that come to share a node would share one data directory\.$/,
      ],
    },
  },
  {
    name: 'the same CR on UPDATE: nothing more to say',
    object: aistore({ disable: true, size: 1, mounts: [{ path: '/ais/sda', useHostPath: true }] }),
    operation: 'UPDATE',
    oldObject: aistore({ disable: true, size: 1, mounts: [{ path: '/ais/sda', useHostPath: true }] }),
    expect: {},
  },
  { name: 'no hostPath mounts', object: aistore({ disable: true }), expect: {} },
  {
    name: 'useHostPath false',
    object: aistore({ disable: true, mounts: [{ path: '/ais/sda', useHostPath: false }] }),
    expect: {},
  },
];

describe('rule target-host-path-shared', () => {
  it.each(rows)('$name', (row) => {
    checkRow('target-host-path-shared', row);
  });
});
