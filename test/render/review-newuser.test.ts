// Review (newuser): an operator team following README.md and docs/deploy.md as written.
// Each test here fails today and states what a user following the docs meets.
import { describe, expect, it } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { ensureCerts } from '../../src/tls/index.js';
import { captureIo, withTempDir } from '../tls/support.js';

async function render(...argv: string[]) {
  const io = captureIo();
  const code = await main(['render', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

describe('review-newuser: render --cert-dir with --url (docs/deploy.md "Out of the cluster")', () => {
  // docs/deploy.md "Out of the cluster": `ais-guard certs --dir certs --ip ADDR`, then
  // `ais-guard render --webhooks-only --cert-dir certs --url https://ADDR:8443`. With an IPv6 address
  // (an IPv6-only control plane host, or ::1) the URL must bracket it (`https://[::1]:8443`), and
  // `new URL(url).hostname` keeps the brackets ("[::1]"), so render's serving-name check
  // (src/cli/render.ts checkServingNames) neither sees an IP nor matches the certificate's
  // `IP Address:0:0:0:0:0:0:0:1`: it exits 2 with "certs/tls.crt is not for [::1]", and its advice,
  // `ais-guard certs --force --dns [::1]`, is itself refused by `certs` ("is not a DNS name") and
  // would replace the CA. CODE is wrong: strip the brackets before isIP/checkIP; the pair made
  // with `certs --ip ::1` covers the URL and render should print the webhooks (exit 0).
  it('accepts --url https://[::1]:PORT when tls.crt was made with --ip ::1', () =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, { dnsNames: [], ipAddresses: ['::1'] });
      const { code, out, err } = await render(
        '--url',
        'https://[::1]:9443',
        '--cert-dir',
        dir,
        '--webhooks-only',
      );
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain('url: https://[::1]:9443/validate');
    }));
});

describe('review-newuser: the fix render prints for a serving certificate of another namespace', () => {
  // README/docs/deploy.md "Another namespace": `ais-guard certs --dir certs --namespace guard-ops`.
  // A user who rendered with --namespace but still has the certs/ of the default namespace gets
  // from render: "make the pair for it, e.g. ais-guard certs --dir DIR --force --service ais-guard
  // --namespace ops". `certs --help` and docs/deploy.md ("Renewing") say tls.crt is reissued
  // without --force whenever it "does not cover the requested names", keeping the CA, and that
  // --force makes a NEW CA after which "every caBundle must be updated". Following render's advice
  // therefore rotates the CA for nothing: the Secret ais-guard-tls and every caBundle already in the
  // cluster (a second install, the other namespace's) go stale, and the Fail webhooks refuse AIStore
  // writes until each is replaced. Verified: `certs --dir D --namespace ops` without --force
  // reissues tls.crt ("issued (its names do not cover ...)", "CA ... kept") and render then passes.
  // CODE is wrong (the message): the fix should be `ais-guard certs --dir DIR --service ais-guard
  // --namespace ops`, without --force.
  it('does not tell the user to replace the CA (--force) when re-running certs keeps it', () =>
    withTempDir(async (dir) => {
      await ensureCerts(dir, {
        dnsNames: ['ais-guard', 'ais-guard.ais-guard', 'ais-guard.ais-guard.svc'],
        ipAddresses: [],
      });
      const { code, err } = await render('--cert-dir', dir, '--namespace', 'ops');
      expect(code).toBe(2); // refusing is right: the certificate does not name ais-guard.ops.svc
      expect(err).toContain(`ais-guard certs --dir ${dir} --service ais-guard --namespace ops`);
      expect(err).not.toContain('--force');
    }));
});

describe('render: the certs command it advises keeps the names the pair was made with', () => {
  // `certs` issues exactly the names it is asked for (certs --help: reissued when it "does not cover
  // the requested names"). A pair made with `--ip 10.0.0.5 --dns guard.example.com` for a guard
  // moving to 10.0.0.9 was told `certs --dir D --ip 10.0.0.9`: followed, it dropped the other two,
  // and whatever still called the guard by them failed its TLS name check.
  it('passes back every --dns and --ip of tls.crt but the Service names, and the advice works', () =>
    withTempDir(async (dir) => {
      await main(
        ['certs', '--dir', dir, '--dns', 'guard.example.com', '--ip', '10.0.0.5', '--ip', '::1'],
        captureIo(),
      );
      const url = 'https://10.0.0.9:8443';
      const first = await render('--url', url, '--cert-dir', dir, '--webhooks-only');
      expect(first.code).toBe(2);
      const advice = /e\.g\. ais-guard (certs .*)$/m.exec(first.err)?.[1];
      expect(advice).toBe(
        `certs --dir ${dir} --ip 10.0.0.9 --dns guard.example.com --ip 10.0.0.5 --ip 0:0:0:0:0:0:0:1`,
      );
      expect(await main(advice!.split(' '), captureIo())).toBe(0);
      const again = await render('--url', url, '--cert-dir', dir, '--webhooks-only');
      expect(again.err).toBe('');
      for (const kept of ['guard.example.com', '10.0.0.5', '::1'])
        expect(
          (
            await render(
              '--url',
              `https://${kept.includes(':') ? `[${kept}]` : kept}:8443`,
              '--cert-dir',
              dir,
              '--webhooks-only',
            )
          ).code,
        ).toBe(0);
    }));

  it('leaves out the names of the Service the pair was made for when another is asked', () =>
    withTempDir(async (dir) => {
      await main(['certs', '--dir', dir, '--dns', 'localhost'], captureIo());
      const { code, err } = await render('--cert-dir', dir, '--namespace', 'ops');
      expect(code).toBe(2);
      expect(err).toMatch(
        new RegExp(
          `e\\.g\\. ais-guard certs --dir ${dir} --service ais-guard --namespace ops --dns localhost$`,
          'm',
        ),
      );
    }));
});
