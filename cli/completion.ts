import type { Command } from 'commander';
import { EXIT, type CliIo, type ExitCode } from './io';
import { writeJson } from './json-output';

/** What a shell needs to complete the command line, read from the commander program itself: nothing to keep in step by hand. */
export interface CompletionSpec {
  readonly program: string;
  readonly commands: ReadonlyArray<{
    readonly name: string;
    readonly description: string;
    /** Long and short flags, help included; hidden ones left out (they mean nothing to the command). */
    readonly flags: ReadonlyArray<{ readonly flag: string; readonly description: string }>;
    /** The choices of its first argument (emulator start|stop|status), if it has them. */
    readonly choices: readonly string[];
  }>;
  /** Options whose value is a file: the shell completes paths after them. */
  readonly fileOptions: readonly string[];
}

export type Shell = 'bash' | 'zsh';
export const SHELLS: readonly Shell[] = ['bash', 'zsh'];

export function completionSpec(program: Command): CompletionSpec {
  const fileOptions = new Set<string>();
  const commands = program.commands.map((command) => {
    const flags = command.options
      .filter((option) => !option.hidden)
      .flatMap((option) => {
        if (option.long && /<file/.test(option.flags)) fileOptions.add(option.long);
        return [option.long, option.short].filter((flag): flag is string => flag !== undefined).map((flag) => ({ flag, description: option.description }));
      });
    return {
      name: command.name(),
      description: command.description(),
      flags: [...flags, { flag: '--help', description: 'display help for command' }],
      choices: command.registeredArguments[0]?.argChoices ?? [],
    };
  });
  return { program: program.name(), commands, fileOptions: [...fileOptions] };
}

const functionName = (spec: CompletionSpec): string => `_${spec.program.replace(/[^A-Za-z0-9]/g, '_')}`;
/** A word list for `compgen -W` / a zsh array item, in single quotes. */
const quoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
/** `_describe` items are `name:description`; a colon in the name or description is escaped. */
const described = (name: string, description: string): string => quoted(`${name.replace(/:/g, '\\:')}:${description.replace(/:/g, '\\:').replace(/\s+/g, ' ')}`);

function bash(spec: CompletionSpec): string {
  const name = functionName(spec);
  const cases = spec.commands.map((command) => `    ${command.name}) words=${quoted([...command.choices, ...command.flags.map((flag) => flag.flag)].join(' '))} ;;`);
  return [
    `# ${spec.program} completion for bash. Load it with:  source <(${spec.program} completion bash)`,
    `# or keep it:  ${spec.program} completion bash > ~/.local/share/bash-completion/completions/${spec.program}`,
    `${name}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" words',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=( $(compgen -W ${quoted([...spec.commands.map((command) => command.name), '--help', '--version'].join(' '))} -- "$cur") )`,
    '    return 0',
    '  fi',
    '  case "$prev" in',
    ...(spec.fileOptions.length > 0 ? [`    ${spec.fileOptions.join('|')}) COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;`] : []),
    '  esac',
    '  case "${COMP_WORDS[1]}" in',
    ...cases,
    "    *) words='' ;;",
    '  esac',
    '  COMPREPLY=( $(compgen -W "$words" -- "$cur") )',
    '}',
    `complete -F ${name} ${spec.program}`,
    '',
  ].join('\n');
}

function zsh(spec: CompletionSpec): string {
  const name = functionName(spec);
  const cases = spec.commands.map((command) =>
    [`    ${command.name})`, `      opts=(${[...command.choices.map((choice) => described(choice, `${command.name} ${choice}`)), ...command.flags.map((flag) => described(flag.flag, flag.description))].join(' ')})`, '      ;;'].join('\n'),
  );
  return [
    `#compdef ${spec.program}`,
    `# ${spec.program} completion for zsh (after compinit). Load it with:  source <(${spec.program} completion zsh)`,
    `# or keep it as _${spec.program} in a directory of your $fpath.`,
    `${name}() {`,
    '  local -a commands opts',
    `  commands=(${spec.commands.map((command) => described(command.name, command.description)).join(' ')})`,
    '  if (( CURRENT == 2 )); then',
    `    _describe -t commands '${spec.program} command' commands`,
    '    return',
    '  fi',
    '  case "${words[CURRENT-1]}" in',
    ...(spec.fileOptions.length > 0 ? [`    ${spec.fileOptions.join('|')}) _files; return ;;`] : []),
    '  esac',
    '  case "${words[2]}" in',
    ...cases,
    '  esac',
    "  _describe -t options 'option' opts",
    '}',
    // Autoloaded from $fpath (#compdef), this file is the completion function's body: complete now; sourced, register.
    `if [[ "\${funcstack[1]}" == "_${spec.program}" ]]; then ${name} "$@"; else compdef ${name} ${spec.program}; fi`,
    '',
  ].join('\n');
}

function completionScript(spec: CompletionSpec, shell: Shell): string {
  return shell === 'bash' ? bash(spec) : zsh(spec);
}

/** The parsed `completion` command (cli/args.ts builds it; declared here so the two modules do not import each other). */
interface CompletionCommand {
  readonly shell: Shell;
  readonly spec: CompletionSpec;
  readonly output: { readonly json: boolean };
}

/** `lambda-egress completion bash|zsh`: the script on stdout, for `source <(...)` or a completions directory. */
export function completionCommand(command: CompletionCommand, io: CliIo): ExitCode {
  const script = completionScript(command.spec, command.shell);
  if (command.output.json) writeJson(io, 'completion', { status: 'SUCCEEDED', shell: command.shell, script });
  else io.stdout.write(script);
  return EXIT.ok;
}
