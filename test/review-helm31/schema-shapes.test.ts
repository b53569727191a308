// review helm31: values the chart's schema accepted but the apiserver (or cert-manager's webhook)
// refuses, so `helm install` fails part-way, after the objects Helm applies first.
// - imagePullSecrets is a list of LocalObjectReference ({name: regcred}); the schema took any array,
//   so the common `--set imagePullSecrets={regcred}` rendered `- regcred` into the pod spec.
// - tolerations is a list of objects; `--set tolerations={dedicated}` rendered `- dedicated`.
// - certificates.certManager.caDuration had no pattern (duration and renewBefore have one): "3650d"
//   passed the schema, and cert-manager refuses a duration Go cannot parse.
import { describe, expect, it } from '@jest/globals';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { CHART } from './support.js';

const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as object;
const defaults = YAML.parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
const valid = new Ajv({ strict: false }).compile(schema);
const withValues = (over: Record<string, unknown>) => valid({ ...defaults, ...over });
const certManager = (over: Record<string, unknown>) =>
  withValues({
    certificates: {
      ...(defaults.certificates as object),
      mode: 'cert-manager',
      certManager: { caDuration: '87600h', duration: '8760h', renewBefore: '720h', ...over },
    },
  });

describe('review helm31: schema shapes the apiserver would refuse', () => {
  it('imagePullSecrets: objects with a name, not bare names', () => {
    expect(withValues({ imagePullSecrets: [{ name: 'regcred' }] })).toBe(true);
    expect(withValues({ imagePullSecrets: ['regcred'] })).toBe(false);
    expect(withValues({ imagePullSecrets: [{}] })).toBe(false);
  });

  it('tolerations: objects, not strings', () => {
    expect(
      withValues({ tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }] }),
    ).toBe(true);
    expect(withValues({ tolerations: ['dedicated'] })).toBe(false);
  });

  it('certManager.caDuration: a Go duration, as duration and renewBefore', () => {
    expect(certManager({ caDuration: '87600h' })).toBe(true);
    expect(certManager({ caDuration: '3650d' })).toBe(false);
    expect(certManager({ caDuration: '10 years' })).toBe(false);
  });
});
