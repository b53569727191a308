#!/usr/bin/env node
// kubectl plugin launcher: kubectl runs `kubectl-ais_guard` for `kubectl ais-guard ...`.
// The CLI runs itself only when started under an ais-guard name (so that tests can import it),
// and kubectl's name for it is not one: present the ais-guard name, then load the CLI.
process.argv[1] = 'ais-guard';
await import('../dist/cli/main.js');
