import { unreadable } from '../types.js';
import {
  allEntries,
  b64,
  checkTable,
  entry,
  intermediateCA,
  NOW,
  DAY,
  servingCert,
  type CheckRow,
} from '../../../test/doctor/support.js';
import { checkCaBundle } from './ca-bundle.js';

const rows: CheckRow[] = [
  {
    name: "healthy: one caBundle, it signed the Secret's certificate",
    expect: {
      status: 'ok',
      message:
        /8 webhooks carry one caBundle, which signed the serving certificate from Secret ais-guard\/ais-guard-tls \(names ais-guard\.ais-guard\.svc\)/,
    },
  },
  {
    name: 'caBundle of another CA everywhere',
    edit: (s, c) => allEntries(s).forEach((w) => (w.clientConfig!.caBundle = b64(c.otherCa.cert))),
    expect: {
      status: 'fail',
      message:
        /CA "some other CA"\) did not sign the serving certificate .* \(issuer "ais-guard webhook CA"\)/,
      fix: /--manage-webhook-config/,
    },
  },
  {
    name: 'one webhook with another CA',
    edit: (s, c) => (entry(s, 'pods.mutate.ais-guard.io').clientConfig!.caBundle = b64(c.otherCa.cert)),
    expect: { status: 'fail', message: /2 different caBundles.*did not sign/ },
  },
  {
    name: 'caBundle missing on one webhook',
    edit: (s) => delete entry(s, 'volumes.validate.ais-guard.io').clientConfig!.caBundle,
    expect: { status: 'fail', message: /no caBundle on volumes\.validate\.ais-guard\.io/ },
  },
  {
    name: 'caBundle not PEM',
    edit: (s) => allEntries(s).forEach((w) => (w.clientConfig!.caBundle = b64('hello'))),
    expect: { status: 'fail', message: /not a base64 PEM certificate bundle/ },
  },
  {
    // Calls succeed; the other CA is trusted too: expected during a rotation's overlap, a
    // leftover after one (src/k8s/ca-bundle.ts), so said as a warn naming it.
    name: 'bundle of two CAs, one of them right (a CA rotation)',
    edit: (s, c) =>
      allEntries(s).forEach((w) => (w.clientConfig!.caBundle = b64(c.otherCa.cert + c.ca.cert))),
    expect: {
      status: 'warn',
      message: /also trusts CA "some other CA" \(from .*\), which did not sign the serving certificate/,
      fix: /--ca-overlap/,
    },
  },
  {
    name: 'cert-manager install: the fix names the cainjector',
    overlay: 'cert-manager',
    edit: (s, c) => allEntries(s).forEach((w) => (w.clientConfig!.caBundle = b64(c.otherCa.cert))),
    expect: { status: 'fail', fix: /cainjector/ },
  },
  {
    name: 'Secret not readable: warn, the bundle itself still parsed',
    edit: (s) => (s.servingCert.pem = unreadable('403 secrets "ais-guard-tls" is forbidden')),
    expect: {
      status: 'warn',
      message: /serving certificate not read \(Secret ais-guard\/ais-guard-tls: 403/,
      fix: /get Secret ais-guard\/ais-guard-tls/,
    },
  },
  {
    name: 'by URL, the guard does not answer: the fix is the guard, not the Secret',
    edit: (s) =>
      (s.servingCert = {
        source: 'TLS at https://127.0.0.1:8443',
        pem: unreadable('no answer (connect ECONNREFUSED)'),
      }),
    expect: {
      status: 'warn',
      message: /serving certificate not read \(TLS at https:\/\/127\.0\.0\.1:8443: no answer/,
      fix: /^make the guard at https:\/\/127\.0\.0\.1:8443 answer/,
    },
  },
  {
    name: 'serving certificate for another namespace',
    edit: (s, c) =>
      (s.servingCert.pem = {
        ok: true,
        value: servingCert(c.ca, {
          dnsNames: ['ais-guard.elsewhere.svc'],
          from: new Date(NOW.getTime() - DAY),
        }).cert,
      }),
    expect: {
      status: 'fail',
      message: /does not name ais-guard\.ais-guard\.svc \(it has DNS:ais-guard\.elsewhere\.svc\)/,
    },
  },
  {
    name: "by URL: the certificate must name the URL's IP",
    edit: (s, c) => {
      allEntries(s).forEach(
        (w) => (w.clientConfig = { url: 'https://127.0.0.1:8443/x', caBundle: b64(c.ca.cert) }),
      );
      s.servingCert = {
        source: 'TLS at https://127.0.0.1:8443',
        pem: { ok: true, value: servingCert(c.ca, { dnsNames: [], ipAddresses: ['127.0.0.1'] }).cert },
      };
    },
    expect: { status: 'ok', message: /TLS at https:\/\/127\.0\.0\.1:8443 \(names 127\.0\.0\.1\)/ },
  },
  {
    // Go's TLS client takes the certificates after the leaf as intermediates (crypto/tls
    // handshake_client.go verifyServerCertificate): the caBundle's root signs through them.
    name: 'serving certificate from an intermediate, tls.crt = leaf + intermediate, caBundle = root',
    edit: (s) => {
      const root = intermediateCA(undefined, 'corp root CA');
      const intermediate = intermediateCA(root);
      const leaf = servingCert(intermediate, { from: new Date(NOW.getTime() - DAY) });
      allEntries(s).forEach((w) => (w.clientConfig!.caBundle = b64(root.cert)));
      s.servingCert.pem = { ok: true, value: leaf.cert + intermediate.cert };
    },
    expect: { status: 'ok', message: /8 webhooks carry one caBundle, which signed the serving certificate/ },
  },
  {
    name: 'the same with tls.crt = the leaf alone: no chain to the root, every call fails TLS',
    edit: (s, c) => {
      const leaf = servingCert(intermediateCA(c.ca), { from: new Date(NOW.getTime() - DAY) });
      s.servingCert.pem = { ok: true, value: leaf.cert };
    },
    expect: {
      status: 'fail',
      message: /did not sign the serving certificate .* \(issuer "ais-guard intermediate CA"\)/,
    },
  },
];

checkTable(checkCaBundle, rows);
