#!/usr/bin/env node
// kubectl plugin launcher: kubectl runs `kubectl-ais_guard` for `kubectl ais-guard ...`.
// The CLI runs itself only when started under an ais-guard name (so that tests can import it),
// and kubectl's name for it is not one: present an ais-guard name, one that also tells the CLI to
// point its hints at `kubectl ais-guard`, then load the CLI.
process.argv[1] = 'kubectl-ais-guard';
await import('../dist/cli/main.js');
