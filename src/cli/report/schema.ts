// The version of the JSON that `check -o json` and `audit -o json` print, described by
// docs/schema/report.v1.json. Raise it (and add report.v2.json) only when a field is removed or
// changes meaning; new optional fields keep the version.
export const SCHEMA_VERSION = 1;
