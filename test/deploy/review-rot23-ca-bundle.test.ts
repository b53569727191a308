// review rot23: the two-step caBundle rotation of `serve --manage-webhook-config`
// (src/k8s/ca-bundle.ts nextCaBundle; driven by src/cli/serve.ts: `overlap` at start and on every
// certificate change, `settle` --ca-overlap seconds after it). Each test replays the writes the
// replicas make, in the order they make them, on one caBundle.
import { describe, expect, it } from '@jest/globals';
import { nextCaBundle } from '../../src/k8s/ca-bundle.js';
import { b64, caPem, names } from './support/ca.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function replay(start: string[]) {
  let bundle: string | undefined = start.length ? b64(start.join('')) : undefined;
  return {
    write(ca: string, step: 'overlap' | 'settle') {
      bundle = nextCaBundle(bundle, ca, step, NOW) ?? bundle;
    },
    names: () => names(bundle).sort(),
  };
}

describe('review rot23: "newer" is decided by notBefore, not by which CA replaced which', () => {
  // Defect: settle keeps every CA whose notBefore is later than ours ("never a CA newer than the
  // writer's own"). A rotation whose new CA has an EARLIER notBefore than the one it replaces
  // therefore never drops the old CA: every replica serves the new one, every settle has run,
  // and the bundle still trusts the old CA until it expires (years). That happens when
  //  - the new CA was made before the current one went into use (a pre-staged CA, an org PKI
  //    intermediate issued months ago, the previous CA re-used), or
  //  - the old CA was made on a machine whose clock ran ahead (`ais-guard certs` on a laptop, an
  //    issuer with skew): its notBefore is later than any CA made since.
  // User impact: the usual reason to replace a CA is that its key leaked or is being retired;
  // the apiserver keeps trusting it for webhook TLS, so whoever holds that key can still answer
  // the apiserver's admission calls for the guard (allow everything / mutate). Nothing says so:
  // the guard logs "webhook configurations trust the current CA", docs/deploy.md says "the
  // bundles hold the new CA alone once every replica serves it and the last overlap has passed".
  // Expected: after every replica serves NEW and has settled, the bundle is NEW alone.
  it('a new CA whose notBefore is earlier than the old one: the old CA is never dropped', () => {
    const OLD = caPem('old', '2026-05-20T00:00:00Z', '2036-01-01T00:00:00Z'); // made on a clock a week ahead, or later than NEW
    const NEW = caPem('new', '2026-05-13T00:00:00Z', '2036-01-01T00:00:00Z'); // pre-staged
    const b = replay([OLD]);
    b.write(NEW, 'overlap'); // replica A reloads the Secret
    b.write(NEW, 'overlap'); // replica B, a minute later
    b.write(NEW, 'settle'); // A, --ca-overlap later
    b.write(NEW, 'settle'); // B
    expect(b.names()).toEqual(['new']);
  });
});

describe('review rot23: self-managed certificates (no --tls-cert) with several replicas', () => {
  // Defect: without --tls-cert each replica makes its own CA in its own --cert-dir (the
  // Deployment's emptyDir /tmp/ais-guard/certs, docs/deploy.md "The image"; src/server/server.ts
  // servingFiles -> ensureCerts), and `serve` accepts --manage-webhook-config with it. The
  // replica that started last has the newest CA; its settle step drops every older replica's CA
  // ("only the CAs newer than ours"), and the older replica never writes again: it writes only at
  // start and on a change of its own files (a self-managed CA lives 10 years, the serving pair is
  // renewed 30 days before expiry). So the two-step rotation turns "both replicas start" into
  // "one replica is refused for good" (x509: certificate signed by unknown authority); with
  // failurePolicy Fail the calls routed to it refuse AIStore writes, about half of them with two
  // replicas, for as long as the pods live. Nothing warns at start.
  // Expected: a serving replica's CA stays trusted while it serves (or serve refuses or warns
  // about --manage-webhook-config with per-replica self-managed CAs).
  it("the newer replica's settle drops the older replica's CA, which never comes back", () => {
    const A = caPem('replica-a', '2026-05-31T23:50:00Z', '2036-05-31T23:50:00Z'); // pod A's emptyDir CA
    const B = caPem('replica-b', '2026-05-31T23:50:05Z', '2036-05-31T23:50:05Z'); // pod B, 5 s later
    const b = replay([]);
    b.write(A, 'overlap'); // A starts
    b.write(B, 'overlap'); // B starts
    expect(b.names()).toEqual(['replica-a', 'replica-b']);
    b.write(A, 'settle'); // A, 600 s later
    b.write(B, 'settle'); // B, 600 s later
    // Both pods still serve their own pair; neither will write again.
    expect(b.names()).toEqual(['replica-a', 'replica-b']);
  });
});
