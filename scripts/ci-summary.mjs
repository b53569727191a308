// Prints one "N passed, N failed" line per jest JSON report and a total, so CI logs end with
// counts any reader (or log scraper) understands. Exits 1 if a report is missing or has failures.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let ok = true;
for (const file of process.argv.slice(2)) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    console.log(
      `${file.replace(/.*jest-|\.json$/g, '')}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`,
    );
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    ok &&= r.success && r.numTotalTests > 0;
  } catch (err) {
    console.log(`${file}: unreadable (${err.message})`);
    ok = false;
  }
}
console.log(`total: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
