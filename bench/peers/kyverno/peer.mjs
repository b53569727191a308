// Kyverno's admission controller as a webhook peer: not run here (issue 17 allows the CLI instead).
// prepare() says why, so bench:peers lists it as unavailable with the reason rather than leaving it
// out silently. Kyverno's policy engine is compared through `kyverno apply` (bench/peers/offline.mjs)
// on the same ValidatingPolicies (policy.yaml).
const REASON =
  "Kyverno's admission controller (cmd/kyverno) was not run: it is a separate, larger build than the CLI " +
  'and serves only after installing its CRDs into a cluster and registering its own webhooks there ' +
  '(out of cluster through --serverIP); with the e2e control plane busy and the CLI build taking most of ' +
  'the session on the loaded machine, only `kyverno apply` is compared (bench/peers/offline.mjs)';

export default {
  name: 'kyverno',
  version: process.env.KYVERNO_VERSION ?? 'v1.19.1',
  /** Listed, not run: its absence does not fail bench:peers (every other peer's does). */
  runsAsWebhook: false,
  async prepare() {
    return REASON;
  },
  async start() {
    throw new Error(REASON);
  },
};
