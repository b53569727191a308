// `ais-guard audit`: the rules over the live cluster, as text, JSON or PolicyReports.
export { resultsOf, worst, type AuditedObject, type Result, type RuleResult } from './results.js';
export { policyReports, REPORT_API, REPORT_NAME } from './policy-report.js';
