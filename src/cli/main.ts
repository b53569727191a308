// ais-guard command line. Each command is imported on demand, so `check` never loads the
// Kubernetes client, express or node-forge.
import { closest, didYouMean } from './suggest.js';
import { terminalSafe } from './terminal.js';
import { processIo, UsageError, type Choices, type Io, type ParseArgsOptionsConfig } from './usage.js';
import { VERSION } from './version.js';

/** How the user ran the CLI, for the hints that say what to type: the kubectl plugin's launcher says so. */
const SELF = /kubectl-ais-guard$/.test(process.argv[1] ?? '') ? 'kubectl ais-guard' : 'ais-guard';

const HELP = `Usage: ais-guard <command> [options]

Commands:
  check PATH...   check AIStore manifests offline (CI, GitOps)
  serve           run the HTTPS admission webhook
  certs           create or renew the webhook's CA and serving certificate
  plan            the PVs of a multi-target layout, from an AIStore CR and a node/disk map
  audit           list live AIStore objects that break the rules (text, JSON, Policy/OpenReports)
  doctor          check a live ais-guard installation and say what to fix
  render          print the deploy manifests with namespace, image and caBundle filled in
                  (--vap, --map: admission policies that hold without the webhook)
  rules           list the rules (-o text|json|markdown|table); rules explain ID: one rule in full
  completion      print a shell completion script (ais-guard completion bash|zsh|fish)
  version         print the version

Run "ais-guard <command> --help" (or "ais-guard help <command>") for a command's options.`;

type Command = (argv: string[], io: Io) => Promise<number>;
/** A command's runner and the options its parser takes (shell completion offers the same). */
export interface CommandModule {
  run: Command;
  flags?: ParseArgsOptionsConfig;
  choices?: Choices;
  /** Takes file names as arguments (check, plan); the others refuse any, so none is completed. */
  paths?: boolean;
}

export const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  check: () =>
    import('./check.js').then((m) => ({
      run: m.runCheck,
      flags: m.FLAGS,
      choices: m.CHOICES,
      paths: m.PATHS,
    })),
  serve: () => import('./serve.js').then((m) => ({ run: m.runServe, flags: m.FLAGS, choices: m.CHOICES })),
  certs: () => import('./certs.js').then((m) => ({ run: m.runCerts, flags: m.FLAGS })),
  render: () => import('./render.js').then((m) => ({ run: m.runRender, flags: m.FLAGS, choices: m.CHOICES })),
  rules: () => import('./rules.js').then((m) => ({ run: m.runRules, flags: m.FLAGS, choices: m.CHOICES })),
  plan: () =>
    import('./plan.js').then((m) => ({ run: m.runPlan, flags: m.FLAGS, choices: m.CHOICES, paths: m.PATHS })),
  audit: () => import('./audit.js').then((m) => ({ run: m.runAudit, flags: m.FLAGS, choices: m.CHOICES })),
  doctor: () => import('./doctor.js').then((m) => ({ run: m.runDoctor, flags: m.FLAGS, choices: m.CHOICES })),
  completion: () =>
    import('./completion.js').then((m) => ({ run: (argv, io) => m.runCompletion(argv, io, COMMANDS, HELP) })),
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  // `help COMMAND` is that command's --help, as git, helm, kubectl and npm read it.
  if (argv[0] === 'help' && argv[1] !== undefined) argv = [argv[1], '--help'];
  const [command, ...rest] = argv;
  // No command: the help, exit 0, as kubectl and helm (Cobra) answer a bare invocation.
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(HELP + '\n');
    return 0;
  }
  if (command === 'version' || command === '--version') {
    if (rest.length === 1 && (rest[0] === '--help' || rest[0] === '-h')) {
      io.stdout.write('Usage: ais-guard version\n\nPrints the version.\n');
      return 0;
    }
    // Taken and dropped, `version -o json` (kubectl's spelling) gave a script text with exit 0.
    if (rest.length > 0) {
      io.stderr.write(`ais-guard version: takes no arguments (got "${rest.join(' ')}")\n`);
      return 2;
    }
    io.stdout.write(`ais-guard ${VERSION}\n`);
    return 0;
  }
  // Hidden: shell completion for `kubectl ais-guard` (bin/kubectl_complete-ais_guard.js).
  if (command === '__complete')
    return (await import('./completion.js')).runComplete(rest, io, COMMANDS, HELP);
  const load = COMMANDS[command];
  if (!load) {
    // One line, as kubectl and helm answer a typo: the commands meant, or where they are listed.
    const known = command.startsWith('-')
      ? ['--help', '--version']
      : [...Object.keys(COMMANDS), 'help', 'version'];
    const guess = didYouMean(closest(command, known));
    io.stderr.write(`ais-guard: unknown command "${terminalSafe(command)}"${guess}; see "${SELF} --help"\n`);
    return 2;
  }
  const loaded = await load();
  try {
    return await loaded.run(shortEquals(rest, loaded.flags), io);
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options:
    // one line naming the flag and where the valid ones are listed. Every command's parser is
    // called under this try, so this is the one place its errors are worded.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) {
      const what = parseArgsReason((err as Error).message);
      const guess = code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? flagMeant(what, loaded.flags) : '';
      io.stderr.write(
        `ais-guard ${command}: ${terminalSafe(what)}${guess}; see "${SELF} ${command} --help"\n`,
      );
      return 2;
    }
    if (err instanceof UsageError) {
      // The message may quote the file it refuses (a config key, a node name): escaped, in one line.
      io.stderr.write(`ais-guard ${command}: ${terminalSafe((err as Error).message)}\n`);
      return 2;
    }
    throw err;
  }
}

/**
 * A parseArgs message in one line: its first sentence ("Unknown option '--x'", "Option '--nodes'
 * argument is ambiguous"). A value that starts with a dash (`--nodes -1`) gets three lines from
 * Node, the last saying how to give such a value: that much is kept, in parentheses.
 */
export function parseArgsReason(message: string): string {
  const [first = '', ...rest] = message.split('\n');
  const what = first.split(/(?<=')\. /)[0]!.replace(/\.$/, '');
  const dash = /\buse ('[^']*'(?: or '[^']*')?)/.exec(rest.join(' '));
  return dash ? `${what} (a value that starts with a dash is given as ${dash[1]})` : what;
}

/**
 * `-o=json` read as kubectl (pflag) reads it, `-o json`: Node's parseArgs takes the "=" for the
 * value's first character ('unknown output "=json"'), and `kubectl ais-guard ... -o=<TAB>` completes
 * to that form. Only a short option that takes a value, with a value after the "=", before "--".
 */
export function shortEquals(argv: string[], flags: ParseArgsOptionsConfig = {}): string[] {
  const valued = new Set(
    Object.values(flags).flatMap((o) => (o.type === 'string' && o.short ? [o.short] : [])),
  );
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    if (end !== -1 && i > end) return arg;
    const m = /^-([^-=])=(.+)$/s.exec(arg);
    return m && valued.has(m[1]!) ? `-${m[1]}${m[2]}` : arg;
  });
}

/**
 * The long flag an unknown `--flag` was likely meant as, in parseArgs' "Unknown option '--x'" reason.
 * A mistyped short flag is one letter: any other is as likely, so none is guessed.
 */
function flagMeant(reason: string, flags: ParseArgsOptionsConfig = {}): string {
  const typed = /^Unknown option '(--[^']+)'/.exec(reason)?.[1];
  if (!typed) return '';
  const longs = Object.keys(flags).map((name) => `--${name}`);
  return didYouMean(closest(typed, longs), (name) => name);
}

/** The shell's status for a process ended by SIGPIPE (128 + 13): what `cat`, `grep`, `yq` exit with. */
export const EXIT_PIPE_CLOSED = 141;

/**
 * The reader of our output went away (`ais-guard check ... | head`, a pager quit, `grep -q`): a
 * Unix tool dies of SIGPIPE there, quietly. Node ignores SIGPIPE, so the write fails with EPIPE
 * instead, an 'error' event that, unheard, is a stack trace and exit 1 (check's "denied"). Stop as
 * the Unix tool does: nothing more to say (no one is reading), the status of a SIGPIPE death.
 * Any other failure to write (a full disk under `check -o sarif > report.sarif`, EIO) loses the
 * output someone is waiting for: one line saying so (unless stderr itself failed) and exit 2, as
 * main's caller ends on a system error, never 1 or 0, which would pass for a verdict.
 */
export function exitOnWriteErrors(
  streams: NodeJS.WritableStream[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (code) => process.exit(code),
  stderr: NodeJS.WritableStream = process.stderr,
): void {
  for (const stream of streams)
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') return exit(EXIT_PIPE_CLOSED);
      if (stream !== stderr)
        stderr.write(`ais-guard: cannot write the output: ${err.message.split('\n')[0]}\n`);
      exit(2);
    });
}

// Run when executed (bin/ais-guard.js imports this module), not when imported by tests.
if (process.argv[1] && /ais-guard(\.js)?$|cli[\\/]main\.js$/.test(process.argv[1])) {
  exitOnWriteErrors();
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
