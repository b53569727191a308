// The names render and doctor take: what the apiserver allows for a namespace and for the
// install's Service, so a name no install can have is a usage error, not a cluster of "missing".

/** A namespace's name: a DNS-1123 label. */
export const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The install's --name, which names its Service: a DNS-1035 label (a letter first). */
export const SERVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
