import { describe, it } from '@jest/globals';
import { aistore } from '../../../test/support/builders.js';
import { checkRow, type Row } from '../../../test/support/table.js';

const named = (name: string) => aistore({ name, disable: true });

const rows: Row[] = [
  { name: 'a plain name', object: named('ais'), expect: {} },
  {
    name: '45 characters: the longest whose target pods are made',
    object: named('a'.repeat(45)),
    expect: {},
  },
  {
    // <cr>-target-<10-character hash> would be 64 characters: over a label value's 63.
    name: '46 characters',
    object: named('a'.repeat(46)),
    expect: {
      deny: [
        /is 46 characters long: the target StatefulSet a+-target labels each pod controller-revision-hash.*\(at most 45\)\.$/,
      ],
    },
  },
  {
    name: 'a digit first (a DNS subdomain, no Service name)',
    object: named('1ais'),
    expect: {
      deny: [
        /AIStore name "1ais" cannot name Services: the operator names its Services 1ais-proxy and 1ais-target.*DNS-1035/,
      ],
    },
  },
  {
    name: 'a dot (a DNS subdomain, no Service name)',
    object: named('ais.prod'),
    expect: { deny: [/"ais.prod" cannot name Services/] },
  },
  {
    // Said, not refused (the ratchet: evaluate.ts), as it cannot be renamed; audit (asStored) fails it.
    name: 'UPDATE of a CR stored with such a name: already so',
    object: named('1ais'),
    operation: 'UPDATE',
    oldObject: named('1ais'),
    expect: { deny: [/^already so before this update: AIStore name "1ais" cannot name Services/] },
  },
];

describe('rule cr-name', () => {
  it.each(rows)('$name', (row) => {
    checkRow('cr-name', row);
  });
});
