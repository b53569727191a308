// One Pepr admission server for the bench, the way Pepr's controller runs a built module
// (pepr dist/controller.js startup: apply the PeprStore CRD, then run the module), without the build
// step: the capability is loaded as it is and handed to PeprModule, which serves
// https://<all interfaces>:<port>/validate/<api path> once its store is read from the cluster.
// Usage: KUBECONFIG=… node serve.mjs <pepr install dir> <port> <cert> <key> <api path>
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { aisGuardCapability } from './capability.mjs';

const [dir, port, cert, key, apiPath] = process.argv.slice(2);
Object.assign(process.env, { SSL_CERT_PATH: cert, SSL_KEY_PATH: key, PEPR_API_PATH: apiPath });
const pepr = createRequire(join(dir, 'package.json'))('pepr');
const { K8s, kind } = createRequire(join(dir, 'node_modules/pepr/package.json'))('kubernetes-fluent-client');

// Pepr keeps its store in a PeprStore object in pepr-system (pepr src/lib/assets/store.ts describes
// the CRD its controller applies; this is the same resource: pepr.dev/v1 PeprStore, a string map).
const plural = 'peprstores';
await K8s(kind.Namespace).Apply({ metadata: { name: 'pepr-system' } });
await K8s(kind.CustomResourceDefinition).Apply(
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.pepr.dev` },
    spec: {
      group: 'pepr.dev',
      scope: 'Namespaced',
      names: { plural, singular: 'peprstore', kind: 'PeprStore' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: { data: { type: 'object', additionalProperties: { type: 'string' } } },
            },
          },
        },
      ],
    },
  },
  { force: true },
);
// Pepr creates its store objects once, a few seconds after start: the CRD must be served by then.
for (let i = 0; ; i++) {
  const crd = await K8s(kind.CustomResourceDefinition).Get(`${plural}.pepr.dev`);
  if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
  if (i === 100) throw new Error('the PeprStore CRD was not established within 10 s');
  await new Promise((r) => setTimeout(r, 100));
}

const config = {
  uuid: 'ais-guard-peer',
  onError: 'reject',
  webhookTimeout: 10,
  customLabels: { namespace: {} },
  alwaysIgnore: { namespaces: [] },
  includedFiles: [],
};
const module = new pepr.PeprModule(
  { description: 'ais-guard side-by-side peer', pepr: config },
  [aisGuardCapability(pepr)],
  { deferStart: true },
);
module.start(Number(port));
