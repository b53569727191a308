// What `ais-guard render --vap` prints: the ValidatingAdmissionPolicies and their bindings
// (src/vap/), as deploy objects. They need no image, certificate or namespace: the apiserver runs them.
import { admissionPolicies, type Actions } from '../vap/index.js';
import type { KObject } from './objects.js';

export function renderAdmissionPolicies(actions: Actions = 'deny'): KObject[] {
  return admissionPolicies({ actions }) as KObject[];
}
