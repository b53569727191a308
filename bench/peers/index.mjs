// The peers' pieces the verdict test (test/peers) uses, in one module with one declaration file.
export { VERDICTS } from './verdicts.mjs';
export { TOOLS, runTool } from './offline-tools.mjs';
export { documents } from './offline.mjs';
export { default as opaPeer } from './opa/peer.mjs';
export { text as kyvernoPolicyText } from './kyverno/gen-policy.mjs';
export { text as gatorTemplateText } from './gatekeeper/gen-template.mjs';
