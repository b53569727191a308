// review helm31: NOTES.txt, what `helm install` / `helm upgrade` print, tells the truth about the
// install it describes.
// DEFECT 1: it always said "the AIStore and storage webhooks fail closed", also in audit mode (every
// validating webhook Ignore, values.yaml) and with failurePolicy.aistores/storage: Ignore. A team that
// reads it waits on a guard whose outage blocks nothing, or worse believes a fail-open install holds.
// DEFECT 2: it named the chart's appVersion as the guard's version, also when image.tag or
// image.digest deploys another image.
import { describe, expect, it } from '@jest/globals';
import { notes } from './support.js';

const T = 120_000;

describe('review helm31: NOTES.txt', () => {
  it(
    'enforce (the defaults): the AIStore and storage webhooks fail closed',
    () => {
      expect(notes()).toMatch(/fail closed/);
    },
    T,
  );

  it.each([
    [{ mode: 'audit' }],
    [
      {
        'failurePolicy.aistores': 'Ignore',
        'failurePolicy.storage': 'Ignore',
        'failurePolicy.volumes': 'Ignore',
      },
    ],
  ])(
    '%j: no webhook fails closed, and NOTES does not say so',
    (values) => {
      const text = notes(values);
      expect(text).not.toMatch(/fail closed/);
      expect(text).toMatch(/fails? open/);
    },
    T,
  );

  it(
    'one Fail entry left: NOTES names it',
    () => {
      const text = notes({ mode: 'audit', 'failurePolicy.volumes': 'Fail' });
      expect(text).toMatch(/fail closed/);
      expect(text).toMatch(/volumes\.validate\.ais-guard\.io/);
      expect(text).not.toMatch(/aistores\.validate|storage\.validate/);
    },
    T,
  );

  it(
    'names the image it deploys, not the chart appVersion',
    () => {
      expect(notes({ 'image.repository': 'reg.example/ais-guard', 'image.tag': '0.2.0' })).toMatch(
        /reg\.example\/ais-guard:0\.2\.0/,
      );
      const digest = `sha256:${'a'.repeat(64)}`;
      expect(notes({ 'image.digest': digest })).toContain(`ais-guard@${digest}`);
    },
    T,
  );
});
