import { unreadable, type Snapshot } from '../types.js';
import {
  allEntries,
  b64,
  checkTable,
  DAY,
  makeCA,
  NOW,
  servingCert,
  type Certs,
  type CheckRow,
} from '../../../test/doctor/support.js';
import { checkCertificateExpiry } from './certificate-expiry.js';

const withServing =
  (from: number, to: number): CheckRow['edit'] =>
  (s, c) =>
    (s.servingCert.pem = {
      ok: true,
      value: servingCert(c.ca, {
        from: new Date(NOW.getTime() + from * DAY),
        to: new Date(NOW.getTime() + to * DAY),
      }).cert,
    });

/** An expired CA kept in every caBundle beside the one that signed the serving certificate. */
const oldCa = makeCA('old CA', {
  from: new Date(NOW.getTime() - 800 * DAY),
  to: new Date(NOW.getTime() - 30 * DAY),
});
const withOldCa = (s: Snapshot, c: Certs) =>
  allEntries(s).forEach((w) => (w.clientConfig!.caBundle = b64(oldCa.cert + c.ca.cert)));

const rows: CheckRow[] = [
  {
    name: 'an expired CA left in the caBundles that signed nothing served: warn, remove it',
    edit: withOldCa,
    expect: {
      status: 'warn',
      message:
        /CA "old CA" expired on 2026-10-31, but signed nothing the guard serves: a CA left in the caBundles$/,
      fix: /^remove it from every caBundle/,
    },
  },
  {
    name: 'the same with the serving certificate not read: which CA signs it is unknown, each is judged',
    edit: (s, c) => {
      withOldCa(s, c);
      s.servingCert.pem = unreadable('403');
    },
    expect: { status: 'fail', message: /CA "old CA" expired on 2026-10-31/, fix: /--force/ },
  },
  {
    name: 'healthy: a year left, CA ten years',
    expect: {
      status: 'ok',
      message:
        /serving certificate valid until 2027-11-30 \(365 days\); CA "ais-guard webhook CA" valid until/,
    },
  },
  {
    name: 'expired yesterday',
    edit: withServing(-90, -1),
    expect: {
      status: 'fail',
      message: /serving certificate expired on 2026-11-29/,
      fix: /ais-guard certs --dir CERTS --namespace ais-guard/,
    },
  },
  {
    name: 'expires in 5 days',
    edit: withServing(-90, 5),
    expect: { status: 'warn', message: /expires on 2026-12-05 \(in 5 days\)/ },
  },
  {
    name: '14 days and a bit: still ok',
    edit: withServing(-90, 14.5),
    expect: { status: 'ok', message: /\(14 days\)/ },
  },
  {
    name: 'a 10-day certificate (certs --days 10) with 5 days left: ok, a sixth of its lifetime is the window',
    edit: withServing(-5, 5),
    expect: { status: 'ok', message: /\(5 days\)/ },
  },
  {
    name: 'the same with a day left: warn',
    edit: withServing(-9, 1),
    expect: { status: 'warn', message: /expires on 2026-12-01 \(in 1 day\)/ },
  },
  {
    name: 'not valid yet (clock skew)',
    edit: withServing(1, 300),
    expect: { status: 'fail', message: /not valid before 2026-12-01/ },
  },
  {
    name: 'cert-manager: the fix is the Certificate',
    overlay: 'cert-manager',
    edit: withServing(-90, -1),
    expect: { status: 'fail', fix: /describe certificate/ },
  },
  {
    name: 'serving certificate not read: the CA is still judged',
    edit: (s) => (s.servingCert.pem = unreadable('403')),
    expect: { status: 'ok', message: /^CA "ais-guard webhook CA" valid until/ },
  },
  {
    name: 'nothing to read',
    edit: (s) => {
      s.servingCert.pem = unreadable('403');
      s.configs = {};
    },
    expect: { status: 'skip', message: /no certificate read \(Secret ais-guard\/ais-guard-tls: 403\)/ },
  },
];

checkTable(checkCertificateExpiry, rows);
