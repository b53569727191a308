// Loaded with `node --import`: prints the process's peak resident set size on exit (kilobytes).
// VmHWM from /proc, not resourceUsage().maxRSS: Linux carries ru_maxrss across execve, so a child
// spawned by a large test runner would report the runner's peak instead of its own.
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? kb);
  } catch {
    // no /proc: the rusage figure, an upper bound
  }
  process.stderr.write(`\nmaxRSS_KB ${kb}\n`);
});
