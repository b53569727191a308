// The names the apiserver may use for the webhook Service. It dials
// <service>.<namespace>.svc; the other forms cover in-cluster clients and curl-based debugging.
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ];
}
