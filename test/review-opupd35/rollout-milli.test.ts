// Review "opupd35": the apiserver stores a container's limits and requests rounded up to whole
// milli-units (k8s pkg/apis/core/v1 SetDefaults_ResourceList, RoundUp(-3), applied to the
// StatefulSet's pod template by SetObjectDefaults_StatefulSet). The operator compares the template
// it renders with that stored one (internal/controller/aistore/common.go shouldUpdateContainerSpec:
// equality.Semantic on Resources), so two CRs whose resources round to the same milli-units leave
// the stored template, and the running target pods, as they are. rollsTargets compared them unrounded.
import { describe, expect, it } from '@jest/globals';
import { aistore } from '../support/builders.js';
import { rolls, withSpec, withTarget } from '../support/rollout.js';

const CR = aistore({ size: 2 });
const cpu = (request: string) => withTarget(CR, { resources: { requests: { cpu: request } } });
const sidecar = (limit: string) =>
  withSpec(CR, { logSidecar: { image: 'aistorage/ais-logs:v1', resources: { limits: { memory: limit } } } });

describe('review opupd35: rollsTargets compares resources as the StatefulSet stores them (rounded up to 1m)', () => {
  it('cpu 100u (stored as 1m) to 1m re-creates no target', () =>
    expect(rolls(cpu('100u'), cpu('1m'))).toBe(false));
  it('cpu 100u to 200u, both stored as 1m, re-creates no target', () =>
    expect(rolls(cpu('100u'), cpu('200u'))).toBe(false));
  it('a log sidecar memory limit 1.0001 to 1.001 (both 1001m) re-creates no target', () =>
    expect(rolls(sidecar('1.0001'), sidecar('1.001'))).toBe(false));
  it('cpu 1m to 2m still rolls the targets', () => expect(rolls(cpu('1m'), cpu('2m'))).toBe(true));
  it('cpu 1.5m (stored as 2m) to 2m re-creates no target, to 3m rolls them', () => {
    expect(rolls(cpu('1.5m'), cpu('2m'))).toBe(false);
    expect(rolls(cpu('1.5m'), cpu('3m'))).toBe(true);
  });
});
