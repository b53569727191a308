// ais-guard command line. Each command is imported on demand, so `check` never loads the
// Kubernetes client, express or node-forge.
import { processIo, UsageError, type Io } from './usage.js';
import { VERSION } from './version.js';

const HELP = `Usage: ais-guard <command> [options]

Commands:
  check PATH...   check AIStore manifests offline (CI, GitOps)
  serve           run the HTTPS admission webhook
  certs           create or renew the webhook's CA and serving certificate
  plan            the PVs of a multi-target layout, from an AIStore CR and a node/disk map
  audit           list live AIStore objects that break the rules (text, JSON, PolicyReports)
  render          print the deploy manifests with namespace, image and caBundle filled in
                  (--vap: ValidatingAdmissionPolicies that hold without the webhook)
  rules           list the rules (-o text|json|markdown|table)
  version         print the version

Run "ais-guard <command> --help" for a command's options.`;

type Command = (argv: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check.js')).runCheck,
  serve: async () => (await import('./serve.js')).runServe,
  certs: async () => (await import('./certs.js')).runCerts,
  render: async () => (await import('./render.js')).runRender,
  rules: async () => (await import('./rules.js')).runRules,
  plan: async () => (await import('./plan.js')).runPlan,
  audit: async () => (await import('./audit.js')).runAudit,
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(HELP + '\n');
    return command ? 0 : 2;
  }
  if (command === 'version' || command === '--version') {
    io.stdout.write(`ais-guard ${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.stderr.write(`ais-guard: unknown command "${command}"\n${HELP}\n`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`ais-guard ${command}: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

// Run when executed (bin/ais-guard.js imports this module), not when imported by tests.
if (process.argv[1] && /ais-guard(\.js)?$|cli[\\/]main\.js$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // A system error (a port in use, a certificate directory that is not one or not ours) is the
      // user's to fix, not a bug: its one-line message names the file or address, no stack trace.
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
        process.stderr.write(`ais-guard: ${(err as Error).message.split('\n')[0]}\n`, () => process.exit(2));
        return;
      }
      // Exit now: a serve that failed half-way (say, its port is taken) still has certificate
      // watchers and timers holding the event loop, and a process that neither serves nor exits
      // is the worst outcome for a Deployment (test/server/https.test.ts).
      process.stderr.write(`ais-guard: ${(err as Error).stack ?? String(err)}\n`, () => process.exit(2));
    },
  );
}
