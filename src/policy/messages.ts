// Wording shared by several rules, so the same fact is always explained the same way.
export const HOSTPORT_FIX =
  'Remove hostPort from the targets: clients inside the cluster reach targets through the service port ' +
  '(spec.targetSpec.servicePort); for clients outside, set spec.targetSpec.externalAccess (one LoadBalancer per target). ' +
  'Proxies may keep their hostPort.';

export const PENDING_PORTS = "node(s) didn't have free ports for the requested pod ports";
