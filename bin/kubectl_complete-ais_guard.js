#!/usr/bin/env node
// kubectl plugin completion: for `kubectl ais-guard <TAB>`, kubectl (1.26 or later) runs the
// executable named kubectl_complete-ais_guard on PATH with the words after the plugin name, and reads
// the choices in Cobra's completion protocol (one per line, then ":<directive>"). This is
// `ais-guard __complete WORD...`, the choices of `ais-guard completion bash`.
process.argv.splice(1, 1, 'ais-guard', '__complete');
await import('../dist/cli/main.js');
