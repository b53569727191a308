// Issue 6, scenario 2: a target StatefulSet with hostPort in a multi-target layout (two targets
// pinned to one node, no anti-affinity between them, as the operator renders it with
// targetSpec.disablePodAntiAffinity) is rejected by the apiserver; without hostPort it is admitted.
import { one } from './support/fixtures.js';
import type { Guard } from './support/guard.js';
import { Cleanup, create, read, rejected } from './support/kube.js';
import { guardFor, installAistoreCrd } from './support/suite.js';

const cleanup = new Cleanup();
let guard: Guard;

beforeAll(async () => {
  await installAistoreCrd();
  guard = await guardFor(cleanup, { name: 'sts-hostport' });
});
afterAll(() => cleanup.run());

describe('target StatefulSet ais-target of CR ais (2 targets on one node)', () => {
  let namespace: string;
  let place: { namespace: string; node: string };

  beforeAll(async () => {
    namespace = await cleanup.namespace('sts-hostport');
    place = { namespace, node: `${namespace}-node` };
    await create(one('01', place)); // the CR: multi-target, no targetSpec.hostPort
  });

  it('rejects it with hostPort 51081 on the target container', async () => {
    const statefulSet = one('08', place);
    const rejection = await rejected(create(statefulSet));
    expect(rejection.code).toBe(403);
    expect(rejection.message).toContain(
      `admission webhook "storage.validate.ais-guard.io" denied the request: ais-guard denied StatefulSet ${namespace}/ais-target: [target-host-port]`,
    );
    expect(rejection.message).toContain(
      'container "ais-node" of the target pod template asks for hostPort 51081/TCP',
    );
    expect(rejection.message).toContain(`didn't have free ports for the requested pod ports`);
    expect(rejection.message).toContain('Fix: Remove hostPort from the targets');
    expect(await read(statefulSet)).toBeUndefined();
    expect(guard.reviews('StatefulSet', namespace, 'ais-target')).toEqual([
      expect.objectContaining({ endpoint: 'validate', verdict: 'denied', rules: ['target-host-port=deny'] }),
    ]);
  });

  it('admits and stores it without hostPort', async () => {
    const statefulSet = one('07', place);
    await create(statefulSet);
    const stored = await read(statefulSet);
    expect(stored?.metadata.labels).toEqual(statefulSet.metadata.labels);
    expect(JSON.stringify(stored)).not.toContain('hostPort');
  });
});
