// The AIStore CRD installed and serving the version the guard knows (the webhooks' rules and the
// informer ask for ais.nvidia.com/v1beta1). Without it the guard watches nothing and the aistores
// webhooks never fire; with only another version it judges nothing it understands.
import type { CheckResult, Expected, Snapshot } from '../types.js';
import { couldNotRead, readFix, verdict, type Finding } from './common.js';

export function checkAistoreCrd(snapshot: Snapshot, expected: Expected): CheckResult {
  const { name, group, version } = expected.crd;
  const fetched = snapshot.crd;
  if (!fetched.ok)
    return fetched.absent
      ? {
          check: 'aistore-crd',
          status: 'fail',
          message: `CRD ${name} is not installed: the guard sees no AIStore CR, so it cannot tell AIStore's claims from others`,
          fix: 'install the AIStore operator (its CRD) before or with the guard',
        }
      : {
          check: 'aistore-crd',
          status: 'warn',
          message: couldNotRead(`CRD ${name}`, fetched),
          fix: readFix(fetched, 'run doctor as a user that may get customresourcedefinitions'),
        };
  const crd = fetched.value;
  const findings: Finding[] = [];
  const served = (crd.spec?.versions ?? []).filter((v) => v.served !== false).map((v) => v.name);
  const storage = crd.spec?.versions?.find((v) => v.storage)?.name;
  if (crd.spec?.group && crd.spec.group !== group)
    findings.push({ status: 'fail', message: `CRD ${name} has group ${crd.spec.group}, not ${group}` });
  if (!served.includes(version))
    findings.push({
      status: 'fail',
      message: `CRD ${name} serves ${served.join(', ') || 'no version'}, not ${version}, the only version this ais-guard knows`,
      fix: 'use an ais-guard release that knows this AIStore operator, or an operator whose CRD serves v1beta1',
    });
  else if (served.length > 1 || (storage && storage !== version))
    findings.push({
      status: 'warn',
      message: `CRD ${name} also serves ${served.filter((v) => v !== version).join(', ')} (storage ${storage ?? '?'}): the webhooks get them converted to ${version} (matchPolicy Equivalent), but fields only the newer version has are not judged`,
      fix: 'check for an ais-guard release that knows the newer version',
    });
  const established = crd.status?.conditions?.find((c) => c.type === 'Established');
  if (established && established.status !== 'True')
    findings.push({
      status: 'fail',
      message: `CRD ${name} is not Established`,
      fix: `kubectl describe crd ${name}`,
    });
  return verdict(
    'aistore-crd',
    findings,
    `CRD ${name} serves ${version} (storage ${storage ?? version}), the version ais-guard knows`,
  );
}
