// (l) host-network-port: the guard warns by target-host-network-port exactly when the target pod
// template the operator renders breaks Kubernetes' hostNetwork check (validatePodHostNetworkDeps: with
// hostNetwork true, a container port whose hostPort is neither 0 nor its containerPort), so that the
// apiserver would refuse the operator's StatefulSet. Whatever else ValidateSpec says of the spec: the
// refusal waits behind any other fix. Not applicable, and a warning there a disagreement, where
// another finding covers the CR: the guard denies its hostNetwork (target-host-network, in a
// multi-target layout), or the rendered containerPort is no port number (the operator refuses that
// servicePort first, operator-refuses-spec, and "set hostPort to it" would be no fix).
// The rendered side is read from the StatefulSet here, not through the guard's own readers.
import { isObject, type Evaluation } from '../../../src/policy/index.js';
import type { Outcome } from './judge.js';
import type { OracleAnswer } from './oracle-process.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isObject(v) ? v : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const isPort = (v: unknown) => typeof v === 'number' && v >= 1 && v <= 65535;

/** The rendered ports the hostNetwork check refuses, as "container: hostPort -> containerPort". */
function refusedPorts(podSpec: Obj): { port: Obj; text: string }[] {
  if (podSpec.hostNetwork !== true) return [];
  return arr(podSpec.containers).flatMap((c) =>
    arr(c.ports)
      .filter((p) => (p.hostPort ?? 0) !== 0 && p.hostPort !== p.containerPort)
      .map((p) => ({
        port: p,
        text: `${String(c.name)}: hostPort ${String(p.hostPort)} -> containerPort ${String(p.containerPort)}`,
      })),
  );
}

export function hostNetworkPort(answer: OracleAnswer, created: Evaluation): Outcome {
  const property = 'host-network-port';
  const warned = created.findings.filter((f) => f.ruleId === 'target-host-network-port');
  const said = warned.map((f) => f.message).join(' | ') || 'no warning';
  const sts = answer.statefulSet;
  if (!sts) return { property, status: 'skip', reason: 'operator renders nothing (no size)' };
  const refused = refusedPorts(obj(obj(obj(sts.spec).template).spec));
  const covered = created.findings.some((f) => f.ruleId === 'target-host-network' && f.action === 'deny')
    ? 'the guard denies the hostNetwork (multi-target)'
    : refused.some((r) => !isPort(r.port.containerPort))
      ? 'the rendered containerPort is no port (the operator refuses the servicePort first)'
      : undefined;
  if (covered !== undefined) {
    if (warned.length === 0) return { property, status: 'skip', reason: covered };
    return {
      property,
      status: 'disagree',
      signature: `${property}: guard warns where ${covered}`,
      detail: `operator renders ${refused.map((r) => r.text).join(', ') || 'no refused port'}; guard: ${said}`,
    };
  }
  if (refused.length > 0 === warned.length > 0) return { property, status: 'agree' };
  return {
    property,
    status: 'disagree',
    signature: `${property}: ${refused.length > 0 ? 'apiserver refuses the rendered template, guard silent' : 'guard warns, rendered template passes'}`,
    detail: `operator renders ${refused.map((r) => r.text).join(', ') || 'no refused port'}; guard: ${said}`,
  };
}
