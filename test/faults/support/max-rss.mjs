// Loaded with `node --import`: prints the process's peak resident set size on exit (kilobytes).
process.on('exit', () => process.stderr.write(`\nmaxRSS_KB ${process.resourceUsage().maxRSS}\n`));
