// The Pepr capability of the peer: validating bindings for Pods and claims, created or updated, that
// judge with rules.mjs. Pepr's library is passed in (it is installed outside the checkout, see
// install.sh), so this file has no import of it.
import { claimDenial, judge, podDenial } from './rules.mjs';

export function aisGuardCapability({ Capability, a }) {
  const capability = new Capability({
    name: 'ais-guard-peer',
    description: "ais-guard's single-object rules for target Pods and claims (issue 17 side by side)",
  });
  const { When } = capability;
  const validate = (denial) => (req) => {
    const message = judge(denial, req.Request, req.Raw, req.OldResource);
    return message === undefined ? req.Approve() : req.Deny(message, 403);
  };
  When(a.Pod).IsCreatedOrUpdated().Validate(validate(podDenial));
  When(a.PersistentVolumeClaim).IsCreatedOrUpdated().Validate(validate(claimDenial));
  return capability;
}
