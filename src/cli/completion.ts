// `ais-guard completion bash|zsh|fish`: a completion script built from the command table and each
// command's parseArgs options and CHOICES, so a new command, flag or value is offered without
// touching this file.
// `ais-guard __complete WORD...`: the same choices in Cobra's completion protocol, which kubectl
// (>= 1.26) speaks to a plugin's `kubectl_complete-<plugin>` executable (bin/kubectl_complete-ais_guard.js).
import type { CommandModule } from './main.js';
import { UsageError, type Choices, type Io, type ParseArgsOptionsConfig } from './usage.js';

export const COMPLETION_HELP = `Usage: ais-guard completion bash|zsh|fish

Prints a shell completion script for ais-guard's commands, their flags (and the words a flag's value
can be, such as -o's formats) and rule ids.
  bash:  source <(ais-guard completion bash)        (or save it under /etc/bash_completion.d/)
  zsh:   source <(ais-guard completion zsh)         (after compinit; or save it as _ais-guard in a $fpath directory)
  fish:  ais-guard completion fish | source         (or save it as ~/.config/fish/completions/ais-guard.fish)`;

/**
 * Words the command takes before its options: `rules explain ID`, `completion bash`; and where a
 * subcommand takes fewer words for a flag than its command (`rules explain -o`), those.
 */
interface Subcommand {
  words?: () => Promise<readonly string[]>;
  choices?: () => Promise<Choices>;
}
const SUBCOMMANDS: Record<string, Record<string, Subcommand>> = {
  rules: {
    explain: {
      words: async () => (await import('../policy/index.js')).RULE_IDS,
      choices: async () => (await import('./rules.js')).EXPLAIN_CHOICES,
    },
  },
  completion: { bash: {}, zsh: {}, fish: {} },
};

interface Spec {
  name: string;
  description: string;
  flags: string[];
  /** The same flags by option, for fish, which declares each with its long and short name. */
  options: { long: string; short?: string }[];
  /** Flags that take a value: the next word is a value (completed as a file name), not a flag. */
  valued: string[];
  /** Valued flags whose value is one of a few words (`-o` and `--output` alike): those, not files. */
  choices: { flags: string[]; words: readonly string[] }[];
  /** Each with its words, and its flags' words where they are not the command's. */
  subcommands: { name: string; words: readonly string[]; choices: Spec['choices'] }[];
  /** Its arguments are file names (check's PATHs, plan's CR). Elsewhere none is offered: refused. */
  files: boolean;
}

function flagWords(flags: ParseArgsOptionsConfig | undefined, choices: Choices = {}) {
  const all: string[] = [];
  const valued: string[] = [];
  const chosen: Spec['choices'] = [];
  const options: Spec['options'] = [];
  for (const [name, option] of Object.entries(flags ?? {})) {
    const words = [`--${name}`, ...(option.short ? [`-${option.short}`] : [])];
    all.push(...words);
    options.push({ long: name, ...(option.short ? { short: option.short } : {}) });
    if (option.type === 'string') valued.push(...words);
    const values = choices[name];
    if (values) chosen.push({ flags: words, words: values });
  }
  return { flags: all, options, valued, choices: chosen };
}

/** "  check PATH...   check AIStore manifests" lines of the main help, by command name. */
function descriptions(help: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of help.matchAll(/^ {2}([a-z]+)(?: \S+)? {2,}(.+)$/gm)) out.set(m[1]!, m[2]!.trim());
  return out;
}

export async function specs(
  commands: Record<string, () => Promise<CommandModule>>,
  help: string,
): Promise<Spec[]> {
  const described = descriptions(help);
  const out: Spec[] = [];
  for (const [name, load] of Object.entries(commands)) {
    const subs = SUBCOMMANDS[name] ?? {};
    const command = await load();
    out.push({
      name,
      description: described.get(name) ?? '',
      ...flagWords(command.flags, command.choices),
      files: command.paths ?? false,
      subcommands: await Promise.all(
        Object.entries(subs).map(async ([sub, { words, choices }]) => ({
          name: sub,
          words: (await words?.()) ?? [],
          choices: choices ? flagWords(command.flags, await choices()).choices : [],
        })),
      ),
    });
  }
  const builtin: Record<string, string> = { help: 'list the commands', version: 'print the version' };
  for (const [name, fallback] of Object.entries(builtin))
    out.push({
      name,
      description: described.get(name) ?? fallback,
      flags: [],
      options: [],
      valued: [],
      choices: [],
      files: false,
      // `help COMMAND` is that command's --help.
      subcommands:
        name === 'help'
          ? [...Object.keys(commands), 'version'].map((c) => ({ name: c, words: [], choices: [] }))
          : [],
    });
  return out;
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const words = (list: readonly string[]) => quote(list.join(' '));

export function bashScript(commands: Spec[]): string {
  const cases = commands
    .filter((c) => c.flags.length > 0 || c.subcommands.length > 0 || c.files)
    .map((c) => {
      const subs = c.subcommands
        .filter((s) => s.words.length > 0)
        .map((s) => `      ${s.name}) [[ $COMP_CWORD -eq 3 ]] && sub_words=${words(s.words)} ;;`)
        .join('\n');
      const choices = c.choices
        .map((ch) => `      ${ch.flags.join('|')}) choices=${words(ch.words)} ;;`)
        .join('\n');
      // A subcommand's own words for a flag, after the command's.
      const subChoices = c.subcommands
        .filter((s) => s.choices.length > 0)
        .map((s) =>
          [
            `      if [[ "\${COMP_WORDS[2]}" == ${s.name} ]]; then`,
            `        case "$flag" in`,
            ...s.choices.map((ch) => `        ${ch.flags.join('|')}) choices=${words(ch.words)} ;;`),
            `        esac`,
            `      fi`,
          ].join('\n'),
        )
        .join('\n');
      return [
        `    ${c.name})`,
        `      flags=${words(c.flags)}`,
        `      valued=${words(c.valued)}`,
        `      subs=${words(c.subcommands.map((s) => s.name))}`,
        c.files ? `      files=1` : '',
        `      case "\${COMP_WORDS[2]}" in`,
        subs,
        `      esac`,
        `      case "$flag" in`,
        choices,
        `      esac`,
        subChoices,
        `      ;;`,
      ]
        .filter(Boolean)
        .join('\n');
    })
    .join('\n');
  return `# bash completion for ais-guard (generated by "ais-guard completion bash")
_ais_guard() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev=""
  [[ $COMP_CWORD -gt 0 ]] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  COMPREPLY=()
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${words(commands.map((c) => c.name))} -- "$cur"))
    return 0
  fi
  # The flag whose value is being typed: bash splits --output=json at "=" (COMP_WORDBREAKS), and
  # the word is "=" itself right after it (readline completes what follows).
  local flag="$prev"
  if [[ "$cur" == "=" ]]; then
    cur=""
  elif [[ "$prev" == "=" && $COMP_CWORD -gt 2 ]]; then
    flag="\${COMP_WORDS[COMP_CWORD-2]}"
  fi
  local flags="" valued="" subs="" sub_words="" choices="" files=""
  case "\${COMP_WORDS[1]}" in
${cases}
  esac
  # A flag's value: one of its words, else bash's file name completion (complete -o default); so
  # is an argument of a command that takes file names.
  if [[ -n "$choices" ]]; then
    COMPREPLY=($(compgen -W "$choices" -- "$cur"))
  elif [[ -n "$flag" && " $valued " == *" $flag "* ]]; then
    return 0
  elif [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ $COMP_CWORD -eq 2 && -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  elif [[ -n "$sub_words" ]]; then
    COMPREPLY=($(compgen -W "$sub_words" -- "$cur"))
  elif [[ -n "$files" ]]; then
    return 0
  fi
  # Anything else takes no file name (the command would refuse it): no fallback to them.
  [[ \${#COMPREPLY[@]} -eq 0 ]] && compopt +o default
  return 0
}
complete -o default -F _ais_guard ais-guard
`;
}

export function zshScript(commands: Spec[]): string {
  const described = commands.map((c) => `    ${quote(`${c.name}:${c.description || c.name}`)}`).join('\n');
  const cases = commands
    .filter((c) => c.flags.length > 0 || c.subcommands.length > 0 || c.files)
    .map((c) => {
      const subs = c.subcommands
        .filter((s) => s.words.length > 0)
        .map((s) => `        ${s.name}) (( CURRENT == 4 )) && sub_words=(${s.words.join(' ')}) ;;`)
        .join('\n');
      const choices = c.choices
        .map((ch) => `        ${ch.flags.join('|')}) choices=(${ch.words.join(' ')}) ;;`)
        .join('\n');
      // A subcommand's own words for a flag, after the command's.
      const subChoices = c.subcommands
        .filter((s) => s.choices.length > 0)
        .map((s) =>
          [
            `      if [[ $words[3] == ${s.name} ]]; then`,
            `        case $flag in`,
            ...s.choices.map((ch) => `        ${ch.flags.join('|')}) choices=(${ch.words.join(' ')}) ;;`),
            `        esac`,
            `      fi`,
          ].join('\n'),
        )
        .join('\n');
      return [
        `    ${c.name})`,
        `      flags=(${c.flags.join(' ')})`,
        `      valued=(${c.valued.join(' ')})`,
        `      subs=(${c.subcommands.map((s) => s.name).join(' ')})`,
        c.files ? `      files=1` : '',
        `      case $words[3] in`,
        subs,
        `      esac`,
        `      case $flag in`,
        choices,
        `      esac`,
        subChoices,
        `      ;;`,
      ]
        .filter(Boolean)
        .join('\n');
    })
    .join('\n');
  return `#compdef ais-guard
# zsh completion for ais-guard (generated by "ais-guard completion zsh")
_ais_guard() {
  local -a commands flags valued subs sub_words choices
  local files=""
  commands=(
${described}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'ais-guard command' commands
    return
  fi
  # The flag whose value is being typed: the word before, or in --flag=value the part before "=".
  local flag=$words[CURRENT-1] inline=""
  if [[ $words[CURRENT] == -*=* ]]; then
    flag=\${words[CURRENT]%%=*}
    inline=1
  fi
  case $words[2] in
${cases}
  esac
  if [[ -n $inline ]]; then
    # zsh, unlike bash, keeps "--flag=" in the word: take it off, then complete the value.
    (( \${valued[(Ie)$flag]} )) || return
    compset -P '*='
  fi
  # A flag's value: one of its words, else a file name.
  if (( \${#choices} > 0 )); then
    compadd -a choices
  elif (( \${valued[(Ie)$flag]} )); then
    _files
  elif [[ $words[CURRENT] == -* ]]; then
    compadd -a flags
  elif (( CURRENT == 3 && \${#subs} > 0 )); then
    compadd -a subs
  elif (( \${#sub_words} > 0 )); then
    compadd -a sub_words
  elif [[ -n $files ]]; then
    # Only check and plan take file names; the other commands refuse any argument.
    _files
  fi
}
if [[ "$funcstack[1]" == _ais[-_]guard ]]; then
  _ais_guard "$@"
else
  compdef _ais_guard ais-guard
fi
`;
}

/** fish's quoting: in '...' only \\ and \' are special. */
const fishQuote = (s: string) => `'${s.replace(/[\\']/g, '\\$&')}'`;

export function fishScript(commands: Spec[]): string {
  const lines: string[] = [];
  const add = (condition: string, rest: string) =>
    lines.push(`complete -c ais-guard -n ${fishQuote(condition)} ${rest}`);
  for (const c of commands)
    add('__ais_guard_typed 1', `-a ${c.name} -d ${fishQuote(c.description || c.name)}`);
  for (const c of commands) {
    const on = `__ais_guard_command ${c.name}`;
    if (c.files) add(on, '-F');
    for (const o of c.options) {
      const names = `-l ${o.long}${o.short ? ` -s ${o.short}` : ''}`;
      const wordsOf = (choices: Spec['choices']) =>
        choices.find((ch) => ch.flags.includes(`--${o.long}`))?.words;
      // A subcommand with its own words for this flag: those there, the command's elsewhere.
      const own = c.subcommands.filter((s) => wordsOf(s.choices));
      for (const s of own)
        add(
          `__ais_guard_subcommand ${c.name} ${s.name}`,
          `${names} -x -a ${fishQuote(wordsOf(s.choices)!.join(' '))}`,
        );
      const where = [on, ...own.map((s) => `not __ais_guard_subcommand ${c.name} ${s.name}`)].join('; and ');
      const values = wordsOf(c.choices);
      // A value of a few words: those (-x: no file names); any other value: a file name (-r -F).
      if (values) add(where, `${names} -x -a ${fishQuote(values.join(' '))}`);
      else if (c.valued.includes(`--${o.long}`)) add(where, `${names} -r -F`);
      else add(where, names);
    }
    if (c.subcommands.length > 0)
      add(`__ais_guard_typed 2 ${c.name}`, `-a ${fishQuote(c.subcommands.map((s) => s.name).join(' '))}`);
    for (const sub of c.subcommands.filter((s) => s.words.length > 0))
      add(`__ais_guard_typed 3 ${c.name} ${sub.name}`, `-a ${fishQuote(sub.words.join(' '))}`);
  }
  return `# fish completion for ais-guard (generated by "ais-guard completion fish")
# The words before the cursor are $argv[1] in all (ais-guard the first), the next ones $argv[2..].
function __ais_guard_typed
    set -l typed (commandline -opc)
    test (count $typed) -eq $argv[1]; or return 1
    for i in (seq 2 (count $argv))
        test "$typed[$i]" = "$argv[$i]"; or return 1
    end
end
# The command being typed (the word after ais-guard) is $argv[1].
function __ais_guard_command
    set -l typed (commandline -opc)
    test "$typed[2]" = "$argv[1]"
end
# The command and its subcommand being typed are $argv[1] and $argv[2] (rules explain).
function __ais_guard_subcommand
    set -l typed (commandline -opc)
    test "$typed[2]" = "$argv[1]" -a "$typed[3]" = "$argv[2]"
end
# Sourced again (an upgrade): the new completions replace the old ones.
complete -c ais-guard -e
# No file names but where a command takes them (check, plan: -F) or a flag's value is one (-r -F).
complete -c ais-guard -f
${lines.join('\n')}
`;
}

const SCRIPTS: Record<string, (all: Spec[]) => string> = {
  bash: bashScript,
  zsh: zshScript,
  fish: fishScript,
};

export async function runCompletion(
  argv: string[],
  io: Io,
  commands: Record<string, () => Promise<CommandModule>>,
  help: string,
): Promise<number> {
  const [shell, ...extra] = argv;
  if (shell === '-h' || shell === '--help') {
    io.stdout.write(COMPLETION_HELP + '\n');
    return 0;
  }
  const script = shell === undefined ? undefined : SCRIPTS[shell];
  if (extra.length > 0 || !script)
    throw new UsageError(
      `give one shell: bash, zsh or fish (got ${argv.length ? `"${argv.join(' ')}"` : 'none'})`,
    );
  io.stdout.write(script(await specs(commands, help)));
  return 0;
}

/** Cobra's ShellCompDirective values (kubectl reads them from the last line, ":N"). */
const DEFAULT_FILES = 0;
const NO_FILE_COMPLETION = 4;

/**
 * The candidates for the last of `words` (the words after the command name, the last one being
 * completed, possibly empty), as the bash script chooses them: commands (with their description),
 * a command's flags, its subcommand and the subcommand's words; a flag's value and check's and
 * plan's arguments are file names (the shell's own completion), nothing else is.
 */
export function complete(all: Spec[], words: string[]): { candidates: string[]; directive: number } {
  const cur = words.at(-1) ?? '';
  const matching = (list: readonly string[]) => list.filter((w) => w.startsWith(cur));
  if (words.length <= 1)
    return {
      candidates: all
        .filter((c) => c.name.startsWith(cur))
        .map((c) => (c.description ? `${c.name}\t${c.description}` : c.name)),
      directive: NO_FILE_COMPLETION,
    };
  const spec = all.find((c) => c.name === words[0]);
  const prev = words.at(-2) ?? '';
  const files = { candidates: [], directive: DEFAULT_FILES };
  if (!spec) return files;
  const none = { candidates: [], directive: NO_FILE_COMPLETION };
  // A flag's value that is one of a few words, after the flag or in --flag=value. There, as Cobra
  // answers, the words alone: kubectl's shell scripts complete the part after "=" with them.
  const own = spec.subcommands.find((s) => s.name === words[1])?.choices ?? [];
  const choicesOf = (flag: string) =>
    (own.find((c) => c.flags.includes(flag)) ?? spec.choices.find((c) => c.flags.includes(flag)))?.words;
  const inline = /^(--?[^=]+)=(.*)$/.exec(cur);
  if (inline) {
    const values = choicesOf(inline[1]!);
    if (values)
      return { candidates: values.filter((w) => w.startsWith(inline[2]!)), directive: NO_FILE_COMPLETION };
  }
  const after = words.length > 2 ? choicesOf(prev) : undefined;
  if (after) return { candidates: matching(after), directive: NO_FILE_COMPLETION };
  if ((spec.valued.includes(prev) && words.length > 2) || cur.includes('=')) return files;
  if (cur.startsWith('-')) return { candidates: matching(spec.flags), directive: NO_FILE_COMPLETION };
  if (words.length === 2 && spec.subcommands.length > 0)
    return { candidates: matching(spec.subcommands.map((s) => s.name)), directive: NO_FILE_COMPLETION };
  const sub = spec.subcommands.find((s) => s.name === words[1]);
  if (words.length === 3 && sub && sub.words.length > 0)
    return { candidates: matching(sub.words), directive: NO_FILE_COMPLETION };
  return spec.files ? files : none;
}

export async function runComplete(
  argv: string[],
  io: Io,
  commands: Record<string, () => Promise<CommandModule>>,
  help: string,
): Promise<number> {
  const { candidates, directive } = complete(await specs(commands, help), argv);
  io.stdout.write([...candidates, `:${directive}`].join('\n') + '\n');
  return 0;
}
