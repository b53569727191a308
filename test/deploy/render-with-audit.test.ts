// `render --with-audit` (and the chart's audit.enabled, held to it object for object by
// test/e2e/10-helm-chart.e2e.test.ts): deploy/audit beside the install, with the install's
// namespace and image, as the kustomization docs/deploy.md gives for deploy/audit makes it, so an
// install needs no kustomization of its own to get the hourly audit.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import {
  AUDIT_DIR,
  buildKustomization,
  DEPLOY_DIR,
  renderManifests,
  type KObject,
} from '../../src/deploy/index.js';
import { cli } from '../support/cli.js';

const IMAGE = 'registry.example.com/ais-guard:0.2.0';
const key = (o: KObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const isAudit = (o: KObject) =>
  o.metadata?.labels !== undefined &&
  (o.metadata.labels as Record<string, string>)['app.kubernetes.io/component'] === 'audit';

/** The kustomization of docs/deploy.md ("RBAC"), beside a clone: deploy/audit with namespace and image. */
async function documented(namespace: string): Promise<KObject[]> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-kustomization-'));
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${namespace}`,
      'resources:',
      `  - ${relative(dir, AUDIT_DIR)}`,
      'images:',
      '  - name: ais-guard',
      '    newName: registry.example.com/ais-guard',
      '    newTag: 0.2.0',
      '',
    ].join('\n'),
  );
  return buildKustomization(dir);
}

describe('render --with-audit', () => {
  it('adds exactly what the documented kustomization of deploy/audit makes, in the install namespace and image', async () => {
    const objects = await renderManifests({ namespace: 'ops', image: IMAGE, withAudit: true });
    const without = await renderManifests({ namespace: 'ops', image: IMAGE });
    const added = objects.filter((o) => !without.some((w) => key(w) === key(o)));
    expect(added.map(key).sort()).toEqual(
      [
        'CronJob/ops/ais-guard-audit',
        'ServiceAccount/ops/ais-guard-audit',
        'ClusterRole//ais-guard-audit',
        'ClusterRoleBinding//ais-guard-audit',
      ].sort(),
    );
    expect(added).toEqual(await documented('ops'));
    expect(objects.filter(isAudit)).toEqual(added);
  });

  // Not the guard's wave: a CronJob whose last Job failed is Degraded, and Argo CD holds later waves on it.
  it("argocd: the audit objects are in the AIStore objects' wave (0), after the guard", async () => {
    const objects = await renderManifests({ overlay: 'argocd', withAudit: true });
    const wave = (o: KObject) => o.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];
    const audit = objects.filter(isAudit);
    expect(audit).toHaveLength(4);
    for (const o of audit) expect(wave(o)).toBe('0');
    expect(wave(objects.find((o) => o.kind === 'Deployment')!)).toBe('-1');
  });

  it('on the command line: in the stream, and refused where nothing would carry it', async () => {
    const run = await cli(['render', '--with-audit', '--image', IMAGE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('kind: CronJob');
    expect(run.stdout).toContain(`image: ${IMAGE}`);
    expect(await cli(['render', '--with-audit', '--webhooks-only'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give --with-audit or --webhooks-only, not both'),
    });
    expect(await cli(['render', '--vap', '--with-audit'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--with-audit'),
    });
  });
});

// npm test has no helm (the e2e stage holds the whole chart to render --with-audit): the rules, with
// the template lines left out, so a right granted in one place and not the other shows here first.
describe("the chart's audit template", () => {
  it('grants the ClusterRole rules of deploy/audit', async () => {
    const text = readFileSync(join(DEPLOY_DIR, 'helm/ais-guard/templates/audit.yaml'), 'utf8')
      .split('\n')
      .filter((line) => !line.includes('{{') && !line.includes('*/'))
      .join('\n');
    const role = (objects: KObject[]) =>
      (objects.find((o) => o.kind === 'ClusterRole') as { rules?: unknown } | undefined)?.rules;
    const chart = YAML.parseAllDocuments(text).map((d) => d.toJS() as KObject);
    expect(role(chart)).toEqual(role(await buildKustomization(AUDIT_DIR)));
  });
});
