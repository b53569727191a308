// The deploy manifests (deploy/) as objects: what `ais-guard render` prints and the e2e harness applies.
export { buildKustomization } from './kustomize.js';
export {
  AUDIT_DIR,
  DEPLOY_DIR,
  OVERLAYS,
  overlayDir,
  renderManifests,
  toYamlStream,
  type Overlay,
  type RenderOptions,
} from './manifests.js';
export { imageReferenceProblem } from './image-reference.js';
export type { KObject } from './objects.js';
export { deleteCommand, leftOut } from './left-out.js';
export {
  BUILT_IN_NAMESPACES,
  INSTALL_NAME,
  renameInstall,
  renameNamespace,
  setApiserverCidrs,
  setCaBundle,
  setImage,
  setUrl,
} from './transform.js';
export { renderAdmissionPolicies, renderMutatingPolicies } from './admission-policies.js';
