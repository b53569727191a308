// The two steps of a CA rotation under `serve --manage-webhook-config` (src/k8s/ca-bundle.ts):
// replicas load a new Secret minutes apart, so the bundle trusts old and new CA first and drops
// the older ones only a grace period later, never a CA newer than the writer's own.
import { describe, expect, it } from '@jest/globals';
import { nextCaBundle } from '../../src/k8s/ca-bundle.js';
import { b64, caPem, names } from './support/ca.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const OLD = caPem('old', '2025-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
const NEW = caPem('new', '2026-05-01T00:00:00Z', '2036-01-01T00:00:00Z');
const NEWER = caPem('newer', '2026-05-20T00:00:00Z', '2036-01-01T00:00:00Z');
const EXPIRED = caPem('expired', '2020-01-01T00:00:00Z', '2026-01-01T00:00:00Z');

const next = (current: string | undefined, caPem: string, step: 'overlap' | 'settle') =>
  nextCaBundle(current, { caPem, step, now: NOW });

describe('nextCaBundle', () => {
  it.each([
    // [what, current bundle, our ca.crt, step, the bundle written (CNs), or null for "no write"]
    ['first write: just ours', undefined, NEW, 'overlap', ['new']],
    ['a rotation: ours first, the old CA kept beside it', [OLD], NEW, 'overlap', ['new', 'old']],
    ['settle: the older CA goes', [NEW, OLD], NEW, 'settle', ['new']],
    ['settle keeps a CA newer than ours (a lagging replica)', [NEWER, NEW], NEW, 'settle', null],
    ['a lagging replica adds its old CA back beside the new one', [NEW], OLD, 'overlap', ['old', 'new']],
    ['an expired CA is not carried over', [EXPIRED, OLD], NEW, 'overlap', ['new', 'old']],
    ['already trusted as wanted: no write', [NEW], NEW, 'overlap', null],
    ['same certificates in another order: no write', [OLD, NEW], NEW, 'overlap', null],
    ['settle with only ours: no write', [NEW], NEW, 'settle', null],
    ['a CA the bundle repeats is kept once', [OLD, OLD], NEW, 'overlap', ['new', 'old']],
  ] as const)('%s', (_what, current, ca, step, written) => {
    const out = next(current && b64(current.join('\n')), ca, step);
    if (written === null) expect(out).toBeUndefined();
    else expect(names(out)).toEqual(written);
  });

  it('writes ca.crt first and byte for byte, a kept CA after it', () => {
    const ca = `# our CA\n${NEW}`;
    const out = Buffer.from(next(b64(OLD), ca, 'overlap')!, 'base64').toString('utf8');
    expect(out.startsWith(ca)).toBe(true);
    expect(out.slice(ca.length)).toBe(OLD);
  });

  it('replaces a bundle that holds anything but certificates, keeping the good ones', () => {
    const broken = b64(`${OLD}-----BEGIN CERTIFICATE-----\nnot base64 DER\n-----END CERTIFICATE-----\n`);
    expect(names(next(broken, NEW, 'overlap'))).toEqual(['new', 'old']);
    expect(names(next(b64('not a certificate'), NEW, 'overlap'))).toEqual(['new']);
    // With ours already in it, the corrupt entry alone is reason to write.
    expect(
      names(
        next(b64(`${NEW}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`), NEW, 'settle'),
      ),
    ).toEqual(['new']);
  });

  it('refuses a ca.crt that is not a PEM certificate bundle, whatever the current bundle', () => {
    expect(() => next(b64(OLD), 'garbage', 'overlap')).toThrow('ca.crt is not a PEM certificate bundle');
    expect(() =>
      next(undefined, `${NEW}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`, 'overlap'),
    ).toThrow(/not a PEM certificate bundle/);
  });

  it('a rotation through two replicas ends with only the new CA, with both trusted in between', () => {
    // Replica A reloads first, replica B a minute later; each settles a grace period after its change.
    let bundle: string | undefined = b64(OLD);
    const write = (ca: string, step: 'overlap' | 'settle') => (bundle = next(bundle, ca, step) ?? bundle);
    write(NEW, 'overlap'); // A
    expect(names(bundle)).toEqual(['new', 'old']); // B, still serving OLD, keeps working
    write(OLD, 'settle'); // B's settle of an earlier change fires before its reload: NEW is newer, stays
    expect(names(bundle)).toEqual(['new', 'old']);
    write(NEW, 'overlap'); // B reloads
    write(NEW, 'settle'); // A
    expect(names(bundle)).toEqual(['new']);
    write(NEW, 'settle'); // B
    expect(names(bundle)).toEqual(['new']);
  });
});
