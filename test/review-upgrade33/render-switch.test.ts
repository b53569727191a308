// review upgrade33: switching a live install to an overlay that leaves objects out.
//
// `kubectl apply` creates and updates, it never deletes (without --prune). An install made with
// `ais-guard render | kubectl apply -f -` and switched with `render --overlay validate-only | kubectl
// apply -f -` keeps its MutatingWebhookConfiguration: the guard goes on mutating target pods, claims
// and CRs, which is what the team that asked for validate-only must not have (docs/gitops.md). One
// switched to `--overlay cert-manager` keeps the ClusterRole and ClusterRoleBinding
// `ais-guard-webhook-ca`: the guard's ServiceAccount can still rewrite both webhook configurations,
// where docs/deploy.md says that with this overlay it "can then write nothing at all". render said
// nothing of either. (Helm deletes what a chart no longer renders; only the render path is affected.)
// Expected: render names on stderr the objects of deploy/base its output leaves out, with the
// `kubectl delete` that removes them from a switched install; nothing for an overlay that leaves
// nothing out, nothing on stdout.
import { describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../tls/support.js';

async function render(...argv: string[]) {
  const io = captureIo();
  const code = await main(['render', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

const kinds = (stream: string) =>
  YAML.parseAllDocuments(stream).map((d) => (d.toJS() as { kind: string }).kind);

describe('review upgrade33: render --overlay tells what a switched install keeps', () => {
  it('validate-only: the MutatingWebhookConfiguration, with its kubectl delete', async () => {
    const r = await render('--overlay', 'validate-only');
    expect(r.code).toBe(0);
    expect(kinds(r.out)).not.toContain('MutatingWebhookConfiguration');
    expect(r.err).toContain('kubectl delete mutatingwebhookconfiguration/ais-guard');
  });

  it('cert-manager: the webhook-ca ClusterRole and ClusterRoleBinding', async () => {
    const r = await render('--overlay', 'cert-manager');
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'kubectl delete clusterrole/ais-guard-webhook-ca clusterrolebinding/ais-guard-webhook-ca',
    );
  });

  it('follows --name', async () => {
    const r = await render('--overlay', 'validate-only', '--name', 'guard-b');
    expect(r.err).toContain('kubectl delete mutatingwebhookconfiguration/guard-b');
  });

  it('says nothing for the base and for overlays that leave nothing out', async () => {
    for (const overlay of ['base', 'audit', 'argocd']) {
      const r = await render('--overlay', overlay);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
    }
    // --webhooks-only leaves the rest out on purpose.
    expect((await render('--overlay', 'validate-only', '--webhooks-only')).err).toBe('');
  });
});
