// review daemon39: inputs where daemon-metadata-refused and daemon-security-refused answered other
// than Kubernetes v1.33 validation does on the pod template the operator renders from the CR.
// - Labels the operator writes over (cmn.MergePodLabels copies the CR's labels, then its own: app,
//   component, app.kubernetes.io/{name,component,managed-by}) never reach the pod, so their values
//   cannot be refused.
// - ValidatePodSpecificAnnotations (pkg/apis/core/validation) also refuses a
//   scheduler.alpha.kubernetes.io/tolerations annotation that json.Unmarshal cannot read as a list of
//   tolerations (helper.GetTolerationsFromPodAnnotations).
// - ValidateAppArmorProfileField compares localhostProfile with Go's strings.TrimSpace, whose white
//   space (unicode.IsSpace) holds U+0085 and not U+FEFF, unlike JavaScript's trim().
// - validatePodSpecSecurityContext refuses sysctls names that are no sysctl name, or repeated
//   (validateSysctls, IsValidSysctlName).
import { describe, expect, it } from '@jest/globals';
import { evaluate, EMPTY_CONTEXT, type KubeObject } from '../../src/policy/index.js';
import { aistore } from '../support/builders.js';

type Section = 'targetSpec' | 'proxySpec' | 'adminClient';

function findings(rule: string, fields: Record<string, unknown>, section: Section = 'targetSpec') {
  const cr = structuredClone(aistore()) as KubeObject;
  const spec = cr.spec as Record<string, Record<string, unknown>>;
  spec[section] = { ...spec[section], ...fields };
  return evaluate({ operation: 'CREATE', object: cr }, EMPTY_CONTEXT).findings.filter(
    (f) => f.ruleId === rule,
  );
}

describe('daemon-metadata-refused against the pod the operator renders', () => {
  it('a bad value at a label key the operator writes over is not on the pod (targets)', () => {
    expect(findings('daemon-metadata-refused', { labels: { app: 'not a value!' } })).toHaveLength(0);
  });

  it('the same for the proxies and app.kubernetes.io/managed-by', () => {
    expect(
      findings(
        'daemon-metadata-refused',
        { labels: { 'app.kubernetes.io/managed-by': '-x-', component: 'a b' } },
        'proxySpec',
      ),
    ).toHaveLength(0);
  });

  it('a bad value at another label key is still refused', () => {
    expect(findings('daemon-metadata-refused', { labels: { apps: 'not a value!' } })).toHaveLength(1);
  });

  it('a tolerations annotation json.Unmarshal cannot read is refused', () => {
    const found = findings('daemon-metadata-refused', {
      annotations: { 'scheduler.alpha.kubernetes.io/tolerations': 'not json' },
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/scheduler\.alpha\.kubernetes\.io\/tolerations/);
  });

  it('a tolerations annotation holding an object, not a list, is refused', () => {
    expect(
      findings('daemon-metadata-refused', {
        annotations: { 'scheduler.alpha.kubernetes.io/tolerations': '{"key":"a"}' },
      }),
    ).toHaveLength(1);
  });

  it('a tolerations annotation that is empty, null or a list of tolerations is taken', () => {
    for (const value of ['', 'null', '[]', '[{"key":"a","operator":"Exists"}]'])
      expect(
        findings('daemon-metadata-refused', {
          annotations: { 'scheduler.alpha.kubernetes.io/tolerations': value },
        }),
      ).toHaveLength(0);
  });
});

describe('daemon-security-refused against validatePodSpecSecurityContext', () => {
  const appArmor = (localhostProfile: string) => ({
    securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile } },
  });

  it('a localhostProfile ending in U+0085 is padded for Go strings.TrimSpace', () => {
    expect(findings('daemon-security-refused', appArmor('ais\u0085'))).toHaveLength(1);
  });

  it('a localhostProfile starting with U+FEFF is not padded for Go', () => {
    expect(findings('daemon-security-refused', appArmor('\ufeffais'))).toHaveLength(0);
  });

  it('a sysctl name that is none is refused', () => {
    const found = findings('daemon-security-refused', {
      securityContext: { sysctls: [{ name: 'Net.Core.Somaxconn', value: '1024' }] },
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/sysctls\[0\]/);
  });

  it('a sysctl named twice is refused', () => {
    expect(
      findings('daemon-security-refused', {
        securityContext: {
          sysctls: [
            { name: 'net.core.somaxconn', value: '1024' },
            { name: 'net.core.somaxconn', value: '2048' },
          ],
        },
      }),
    ).toHaveLength(1);
  });

  it('sysctl names Kubernetes takes (dots or slashes) are not warned of', () => {
    expect(
      findings('daemon-security-refused', {
        securityContext: {
          sysctls: [
            { name: 'net.core.somaxconn', value: '1024' },
            { name: 'net/ipv4/ip_local_port_range', value: '1024 65535' },
          ],
        },
      }),
    ).toHaveLength(0);
  });

  it('a sysctl name of 100,000 characters is refused quickly and quoted clipped', () => {
    const started = Date.now();
    const found = findings('daemon-security-refused', {
      securityContext: { sysctls: [{ name: `${'a.'.repeat(50_000)}!\n`, value: '1' }] },
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).not.toMatch(/\n/);
    expect(found[0]!.message.length).toBeLessThan(2_000);
  });
});
