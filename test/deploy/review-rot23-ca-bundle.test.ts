// review rot23: the two-step caBundle rotation of `serve --manage-webhook-config`
// (src/k8s/ca-bundle.ts nextCaBundle; driven by src/cli/serve.ts: `overlap` at start and on every
// certificate change, `settle` --ca-overlap seconds after it). Each test replays the writes the
// replicas make, in the order they make them, on one caBundle.
import { describe, expect, it } from '@jest/globals';
import { fingerprints, nextCaBundle } from '../../src/k8s/ca-bundle.js';
import { b64, caPem, names } from './support/ca.js';

const NOW = new Date('2026-06-01T00:00:00Z');

function replay(start: string[]) {
  let bundle: string | undefined = start.length ? b64(start.join('')) : undefined;
  return {
    /** `before`: the CA this replica served before caPem (src/k8s/ca-bundle-keeper.ts retires it). */
    write(caPem: string, step: 'overlap' | 'settle', before?: string) {
      const retired = new Set(before ? fingerprints(before) : []);
      bundle = nextCaBundle(bundle, { caPem, step, now: NOW, retired }) ?? bundle;
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
    b.write(NEW, 'settle', OLD); // A, --ca-overlap later: OLD is the CA it served before
    b.write(NEW, 'settle', OLD); // B
    expect(b.names()).toEqual(['new']);
  });

  it('left as documented: replicas that only ever served NEW (restarted onto it) keep an OLD with a later notBefore', () => {
    // Kept by the lead: without the replica's own history there is no telling a lagging peer's CA
    // from a retired one but the dates; docs/deploy.md says to remove such a CA by hand.
    const OLD = caPem('old', '2026-05-20T00:00:00Z', '2036-01-01T00:00:00Z');
    const NEW = caPem('new', '2026-05-13T00:00:00Z', '2036-01-01T00:00:00Z');
    const b = replay([OLD]);
    b.write(NEW, 'overlap');
    b.write(NEW, 'settle');
    expect(b.names()).toEqual(['new', 'old']);
  });
});

describe('review rot23: self-managed certificates (no --tls-cert) with several replicas', () => {
  // Each replica without --tls-cert makes its own CA (src/server/server.ts servingFiles ->
  // ensureCerts); with --manage-webhook-config the newest replica's settle drops the others' CAs.
  // Kept by the lead: per-replica CAs cannot all stay trusted without the bundle growing with every
  // pod restart (a new emptyDir, a new CA); `serve` warns at start (test/faults/review-rot23-*) and
  // docs/deploy.md says to run one replica or to serve one Secret's pair.
  it("the newer replica's settle drops the older replica's CA (documented, warned at start)", () => {
    const A = caPem('replica-a', '2026-05-31T23:50:00Z', '2036-05-31T23:50:00Z');
    const B = caPem('replica-b', '2026-05-31T23:50:05Z', '2036-05-31T23:50:05Z');
    const b = replay([]);
    b.write(A, 'overlap');
    b.write(B, 'overlap');
    expect(b.names()).toEqual(['replica-a', 'replica-b']);
    b.write(A, 'settle');
    b.write(B, 'settle');
    expect(b.names()).toEqual(['replica-b']);
  });
});
