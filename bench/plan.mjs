// Which servers `npm run bench` loads on each case, in the order their runs interleave (A B C A B C):
// the guard and the baselines B1, B2, B3 and B0, and beside the first case the calibration server
// (B1 + spin). B0 too on every case: it does not parse the body, but TLS and HTTP carry it (5.5 KB
// for the target Pod, 1.0 KB for the fast path), and ours/B0 is reported per case.
export function caseServers(c, first) {
  return ['ours', 'b1', 'b2', 'b3', 'b0', ...(c === first ? ['spin'] : [])];
}
