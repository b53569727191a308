// `ais-guard audit`: the rules over the live cluster, as text, JSON, PolicyReports or OpenReports.
export { resultsOf, worst, type AuditedObject, type Result, type RuleResult } from './results.js';
export { policyReports, REPORT_API, REPORT_NAME, type ReportScopes } from './policy-report.js';
export { openReports, OPENREPORTS_API } from './openreports.js';
export {
  buildReports,
  REPORT_FORMATS,
  reportKinds,
  type ReportFormat,
  type ReportKind,
} from './report-format.js';
