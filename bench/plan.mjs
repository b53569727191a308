// Which servers `npm run bench` loads on each case, in the order their runs interleave (A B C A B C):
// the guard and the baselines B1, B2, B3, and beside the first case the calibration server (B1 + spin).
export function caseServers(c, first) {
  return ['ours', 'b1', 'b2', 'b3', ...(c === first ? ['spin'] : [])];
}
