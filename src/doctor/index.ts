// `ais-guard doctor`: checks a live installation. Pure checks (checks/), the expectations from the
// rendered manifests (expected.ts), and the fetch layer (fetch.ts), loaded on demand by the CLI.
export { runChecks } from './checks/index.js';
export { expectationsOf, expectedInstall, informerPermissions } from './expected.js';
export { renderDoctorJson, renderDoctorText, exitCodeOf } from './report.js';
export * from './types.js';
