// Review "oper27": a mount's volumeClaimTemplate name (<cr><path-with-dashes>, operator
// api/aistore/v1beta1/aistore_types.go Mount.GetPVCName, target/volumes.go newTargetPVCs) can equal
// the name of a pod volume the operator renders itself (internal/resources/aistore/cmn/volumes.go
// NewAISVolumes: config-template, config-mount, config-global, logs-dir, state-mount, tls-certs,
// tracing-token; target/volumes.go: aws-creds, gcp-creds, oci-creds, host-data-mount-<i>).
// The operator's aisnode container then mounts that one volume name twice
// (cmn/volumes.go NewAISVolumeMounts, then target/volumes.go appendDataVolumeMounts), and the
// StatefulSet controller replaces the pod volume of that name with the claim
// (k8s pkg/controller/statefulset/stateful_set_utils.go updateStorage; the apiserver does not
// validate a StatefulSet template's volumes, apps validation ValidatePodTemplateSpecForStatefulSet).
// So the target's data disk is also its state directory /etc/ais (CR "state", mount /mount,
// emptyDir state) or its config directory /var/ais_config (CR "config", mount /mount): the very
// situation mount-path-unique denies for a mount written at /etc/ais or /var/ais_config, yet the
// guard admits these CRs with no finding. Checked against the operator's own rendering (oracle
// binary, target.NewTargetSS): volumeClaimTemplates ["state-mount"], volumes [... state-mount
// (emptyDir)], aisnode mounts state-mount at /etc/ais and at /mount.
// Checked on a v1.33.13 control plane with kube-controller-manager (test/e2e/cluster/up.sh): such a
// StatefulSet is stored, and its pod ais-target-0 gets volumes [state-mount: claim
// state-mount-state-target-0] mounted at /etc/ais and at /mount.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../src/policy/index.js';
import { aistore, run } from '../support/builders.js';

const cr = (name: string, path: string, state: Record<string, unknown>): KubeObject => {
  const o = aistore({ name, size: 1, mounts: [{ path, size: '1Ti', storageClass: 'local' }] });
  Object.assign(o.spec as object, { stateStorage: state });
  return o;
};

const denials = (o: KubeObject) =>
  run({ name: 'create', object: o, nodeCount: 3 }).findings.filter((f) => f.action === 'deny');

describe('a claim template named like one of the operator pod volumes', () => {
  it('a mount written at /etc/ais is denied (the baseline: the state directory is not a mountpath)', () => {
    expect(denials(cr('ais', '/etc/ais', { emptyDir: {} })).map((f) => f.ruleId)).toContain(
      'mount-path-unique',
    );
  });

  it('CR "state" with mount /mount and emptyDir state: template "state-mount" is the state volume, the disk is /etc/ais too: denied', () => {
    expect(denials(cr('state', '/mount', { emptyDir: {} })).length).toBeGreaterThan(0);
  });

  it('CR "config" with mount /mount: template "config-mount" is the config volume, the disk is /var/ais_config too: denied', () => {
    expect(denials(cr('config', '/mount', { hostPath: { prefix: '/etc/ais' } })).length).toBeGreaterThan(0);
  });

  it('CR "logs" with mount /dir: template "logs-dir" is the logs volume, the logs land on the data disk: denied', () => {
    expect(denials(cr('logs', '/dir', { hostPath: { prefix: '/etc/ais' } })).length).toBeGreaterThan(0);
  });
  it('CR "host" with a useHostPath mount /hp first and a claim mount /data/mount/0: template "host-data-mount-0" is the hostPath volume, both mountpaths on one claim: denied', () => {
    const o = aistore({
      name: 'host',
      size: 1,
      mounts: [
        { path: '/hp', useHostPath: true },
        { path: '/data/mount/0', size: '1Ti', storageClass: 'local' },
      ],
    });
    Object.assign(o.spec as object, { stateStorage: { hostPath: { prefix: '/etc/ais' } } });
    expect(denials(o).length).toBeGreaterThan(0);
  });

  it('CR "aws" with awsSecretName and mount /creds: template "aws-creds" is the credentials volume at /root/.aws: denied', () => {
    const o = cr('aws', '/creds', { hostPath: { prefix: '/etc/ais' } });
    Object.assign(o.spec as object, { awsSecretName: 'aws-secret' });
    expect(denials(o).length).toBeGreaterThan(0);
  });
  it('CR "config" with mount /template: template "config-template" replaces the ConfigMap the init container reads its config template from (/var/ais_config_template): denied', () => {
    expect(denials(cr('config', '/template', { hostPath: { prefix: '/etc/ais' } })).length).toBeGreaterThan(
      0,
    );
  });
});
