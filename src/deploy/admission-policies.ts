// What `ais-guard render --vap` and `render --map` print: the ValidatingAdmissionPolicies (src/vap/)
// or MutatingAdmissionPolicies (src/map/) and their bindings, as deploy objects. They need no image,
// certificate or namespace: the apiserver runs them.
import { mutatingPolicies } from '../map/index.js';
import { admissionPolicies, type Actions } from '../vap/index.js';
import type { KObject } from './objects.js';

export function renderAdmissionPolicies(actions: Actions = 'deny'): KObject[] {
  return admissionPolicies({ actions }) as KObject[];
}

export function renderMutatingPolicies(): KObject[] {
  return mutatingPolicies() as KObject[];
}
