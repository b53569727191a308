// Each webhook's failurePolicy as deploy/ renders it for this overlay and docs/deploy.md explains:
// base: the three operator-evidence validating entries Fail, everything else Ignore; audit: all Ignore.
import type { CheckResult, Expected, Snapshot } from '../types.js';
import { liveEntries, skip, verdict, type Finding } from './common.js';

export function checkFailurePolicy(snapshot: Snapshot, expected: Expected): CheckResult {
  const live = new Map(liveEntries(snapshot, expected).map((e) => [e.entry.name, e]));
  const findings: Finding[] = [];
  let compared = 0;
  let failing = 0;
  for (const config of expected.configs)
    for (const want of config.webhooks) {
      const found = live.get(want.name);
      if (!found) continue;
      const { entry, index } = found;
      compared++;
      if (want.failurePolicy === 'Fail') failing++;
      // Unset means Fail (the admissionregistration/v1 default).
      const got = entry.failurePolicy ?? 'Fail';
      if (got === want.failurePolicy) continue;
      findings.push({
        status: 'fail',
        message: `${want.name} is ${got}, documented ${want.failurePolicy} (${expected.overlay}): ${
          want.failurePolicy === 'Fail'
            ? 'while the guard is down, AIStore objects are admitted unchecked'
            : 'a guard that is down blocks what docs/deploy.md promises to let through'
        }`,
        fix: `kubectl patch ${config.kind.toLowerCase()} ${config.name} --type=json -p '[{"op":"replace","path":"/webhooks/${index}/failurePolicy","value":"${want.failurePolicy}"}]'${
          expected.overlay === 'base' && want.failurePolicy === 'Fail'
            ? ' (or, for the audit overlay: doctor --overlay audit)'
            : ''
        }`,
      });
    }
  if (compared === 0) return skip('failure-policy', 'no webhook to compare');
  return verdict(
    'failure-policy',
    findings,
    `as documented for ${expected.overlay}: ${failing} Fail, ${compared - failing} Ignore (docs/deploy.md "failurePolicy")`,
  );
}
