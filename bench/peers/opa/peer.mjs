// OPA as a validating webhook peer: `opa run --server` over TLS, answering the AdmissionReview as
// its default decision (data.system.main, POST /), with bench/peers/rego/aisguard.rego's rules.
import { fileURLToPath } from 'node:url';
import { buildPeer, startServer } from '../go-peer.mjs';

const VERSION = process.env.OPA_VERSION ?? 'v1.22.3';
const POLICIES = ['../rego/aisguard.rego', './policy.rego'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);
let bin;

export default {
  name: 'opa',
  version: VERSION,
  policies: POLICIES,
  /** The binary's path once prepare() has succeeded. */
  get bin() {
    return bin;
  },
  async prepare() {
    try {
      bin = await buildPeer(import.meta.url);
    } catch (error) {
      return `OPA ${VERSION} unavailable: ${error.message}`;
    }
  },
  async start({ certFile, keyFile, port }) {
    if (!bin) throw new Error('opa peer: prepare() first');
    const addr = `127.0.0.1:${port}`;
    const server = await startServer(
      'opa',
      bin,
      [
        'run',
        '--server',
        `--addr=${addr}`,
        `--tls-cert-file=${certFile}`,
        `--tls-private-key-file=${keyFile}`,
        '--disable-telemetry',
        '--log-level=error',
        ...POLICIES,
      ],
      `https://${addr}/health`,
    );
    return { url: `https://${addr}/`, stop: () => server.stop() };
  },
};
