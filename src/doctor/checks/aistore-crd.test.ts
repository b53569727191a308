import { absent, found, unreadable } from '../types.js';
import { checkTable, type CheckRow } from '../../../test/doctor/support.js';
import { checkAistoreCrd } from './aistore-crd.js';

const versions =
  (...v: { name: string; served?: boolean; storage?: boolean }[]): CheckRow['edit'] =>
  (s) =>
    (s.crd = found({
      spec: { group: 'ais.nvidia.com', versions: v },
      status: { conditions: [{ type: 'Established', status: 'True' }] },
    }));

const rows: CheckRow[] = [
  {
    name: 'healthy',
    expect: { status: 'ok', message: /CRD aistores\.ais\.nvidia\.com serves v1beta1 \(storage v1beta1\)/ },
  },
  {
    name: 'CRD missing',
    edit: (s) => (s.crd = absent()),
    expect: { status: 'fail', message: /is not installed/, fix: /install the AIStore operator/ },
  },
  {
    name: 'not readable',
    edit: (s) => (s.crd = unreadable('403')),
    expect: { status: 'warn', message: /could not be read \(403\)/ },
  },
  {
    name: 'only an unknown version',
    edit: versions({ name: 'v1', served: true, storage: true }),
    expect: { status: 'fail', message: /serves v1, not v1beta1, the only version this ais-guard knows/ },
  },
  {
    name: 'v1beta1 no longer served',
    edit: versions({ name: 'v1beta1', served: false }, { name: 'v1', served: true, storage: true }),
    expect: { status: 'fail', message: /serves v1, not v1beta1/ },
  },
  {
    name: 'a newer version beside v1beta1',
    edit: versions({ name: 'v1beta1', served: true }, { name: 'v1', served: true, storage: true }),
    expect: { status: 'warn', message: /also serves v1 \(storage v1\)/ },
  },
  {
    name: 'not Established',
    edit: (s) =>
      (s.crd = found({
        spec: { group: 'ais.nvidia.com', versions: [{ name: 'v1beta1', served: true, storage: true }] },
        status: { conditions: [{ type: 'Established', status: 'False' }] },
      })),
    expect: { status: 'fail', message: /not Established/ },
  },
];

checkTable(checkAistoreCrd, rows);
