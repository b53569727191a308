// The AIStore operator's own source (NVIDIA/ais-k8s at tag v3.4.0): the e2e and oracle stages read
// its CRD and code from here, and nothing else in the project does. AIS_K8S_SOURCE names the
// checkout's root (the folder holding operator/); `.ci/run` points it at the workspace's copy.
//   git clone --depth 1 --branch v3.4.0 https://github.com/NVIDIA/ais-k8s && export AIS_K8S_SOURCE=$PWD/ais-k8s
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = process.env.AIS_K8S_SOURCE;
if (!root)
  throw new Error(
    'AIS_K8S_SOURCE is not set: clone NVIDIA/ais-k8s at v3.4.0 and point it at the checkout (README "Testing")',
  );

export const OPERATOR_SOURCE = resolve(root);
export const AISTORE_CRD = join(
  OPERATOR_SOURCE,
  'operator',
  'config',
  'base',
  'crd',
  'ais.nvidia.com_aistores.yaml',
);
if (!existsSync(AISTORE_CRD))
  throw new Error(`AIS_K8S_SOURCE=${root} holds no ${AISTORE_CRD}: is it an ais-k8s checkout?`);
