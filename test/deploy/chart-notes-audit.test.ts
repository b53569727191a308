// The chart's NOTES with audit.enabled: the CronJob is named, with what every run needs first (the
// report CRDs; without them each run exits 2, unseen) and where its state is read (doctor's
// audit-cronjob check). Without audit.enabled NOTES says nothing of it.
import { describe, expect, it } from '@jest/globals';
import { notes } from '../review-helm31/support.js';

const T = 120_000;

describe("the chart's NOTES and the audit CronJob", () => {
  it(
    'audit.enabled: names the CronJob, its schedule, the report CRDs and the doctor command',
    () => {
      const text = notes({ 'audit.enabled': 'true', 'audit.schedule': '*/30 * * * *' });
      expect(text).toContain('CronJob ais-guard/ais-guard-audit');
      expect(text).toContain('"*/30 * * * *"');
      expect(text).toMatch(/openreports\.io.*wgpolicyk8s\.io/s);
      expect(text).toContain('ais-guard doctor -n ais-guard');
      expect(text).not.toContain('doctor -n ais-guard --name');
    },
    T,
  );

  it(
    'renamed: doctor is told the name',
    () => {
      const text = notes({ 'audit.enabled': 'true', fullnameOverride: 'guard-b' });
      expect(text).toContain('CronJob ais-guard/guard-b-audit');
      expect(text).toContain('ais-guard doctor -n ais-guard --name guard-b');
    },
    T,
  );

  it(
    'off by default: nothing about it',
    () => {
      expect(notes()).not.toMatch(/audit CronJob|-audit/);
    },
    T,
  );
});
