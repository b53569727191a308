// render --cert-dir advises the `certs` command that remakes a tls.crt for another host, carrying
// the names the pair already has. A pair made before `certs --dns` refused IP addresses may hold
// one as a DNS name ("DNS:10.0.0.5"): advised back as `--dns 10.0.0.5`, the command it prints now
// exits 2. It was meant as the address, and `--ip` is what makes clients match it.
import { describe, expect, it } from '@jest/globals';
import { keptNameFlags } from '../../src/cli/render-certs.js';

describe('render advice for a DNS SAN that is an IP address', () => {
  it('passes it back as --ip, once', () => {
    const flags = keptNameFlags(
      'DNS:ais-guard, DNS:ais-guard.ais-guard.svc, DNS:10.0.0.5, DNS:guard.example.com, IP Address:10.0.0.6',
      'ais-guard.ops.svc',
    );
    expect(flags).toEqual(['--ip 10.0.0.5', '--dns guard.example.com', '--ip 10.0.0.6']);
    expect(keptNameFlags('DNS:10.0.0.5, IP Address:10.0.0.5', 'ais-guard.ops.svc')).toEqual([
      '--ip 10.0.0.5',
    ]);
  });
});
