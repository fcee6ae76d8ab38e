import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../support/run-main';

/** The subcommands and each one's flags, as `--help` lists them: what the completion must offer. */
async function helpOf(argv: readonly string[]): Promise<string> {
  return (await runMain([...argv, '--help'])).stdout;
}
const commandsIn = (help: string): string[] => [...help.slice(help.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((match) => match[1] ?? '').filter((name) => name !== 'help');
const flagsIn = (help: string): string[] => [...help.slice(help.indexOf('Options:')).matchAll(/^ {2}(?:(-[a-z]), )?(--[a-z][a-z0-9-]*)/gm)].flatMap((match) => [match[1], match[2]]).filter((flag): flag is string => flag !== undefined);

/** What bash's programmable completion answers for a command line typed up to `words` (the last one being completed). */
function bashCompletes(script: string, words: readonly string[]): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'completion-')), 'lambda-egress.bash');
  writeFileSync(file, script);
  const line = words.map((word) => `'${word}'`).join(' ');
  const out = execFileSync('bash', ['-c', `source "$1"; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _lambda_egress; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', file], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

describe('lambda-egress completion bash|zsh', () => {
  let commands: string[];
  beforeAll(async () => {
    commands = commandsIn(await helpOf([]));
  });

  it('prints a bash script that bash accepts and that completes every subcommand, its flags and its choices', async () => {
    // WHEN the bash script is asked for
    const run = await runMain(['completion', 'bash']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    // THEN bash -n accepts it
    const file = join(mkdtempSync(join(tmpdir(), 'completion-')), 'lambda-egress.bash');
    writeFileSync(file, run.stdout);
    expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
    // AND an empty first word completes to every subcommand --help lists
    expect(commands.length).toBeGreaterThan(8);
    expect(bashCompletes(run.stdout, ['lambda-egress', '']).filter((word) => !word.startsWith('-')).sort()).toEqual([...commands].sort());
    // AND each subcommand's flags are those of its --help
    for (const command of ['provision', 'teardown', 'status']) {
      const offered = bashCompletes(run.stdout, ['lambda-egress', command, '--']);
      expect([command, [...offered].sort()]).toEqual([command, flagsIn(await helpOf([command])).filter((flag) => flag.startsWith('--')).sort()]);
    }
    // AND a prefix completes as a user expects: the emulator's actions, a flag
    expect(bashCompletes(run.stdout, ['lambda-egress', 'emulator', 'st'])).toEqual(['start', 'stop', 'status']);
    expect(bashCompletes(run.stdout, ['lambda-egress', 'provision', '--sing'])).toEqual(['--single-nat']);
  });

  it('prints a zsh script naming every subcommand, with its description, and registering itself', async () => {
    // WHEN the zsh script is asked for
    const run = await runMain(['completion', 'zsh']);
    expect(run.code).toBe(0);
    // THEN it is a #compdef file that names every subcommand with its description, and the flags of each
    expect(run.stdout.startsWith('#compdef lambda-egress\n')).toBe(true);
    for (const command of commands) expect(run.stdout).toMatch(new RegExp(`'${command}:[^']+'`));
    expect(run.stdout).toContain("'--single-nat:one NAT gateway for all AZs (cheaper, not AZ-resilient)'");
    expect(run.stdout).toContain('compdef _lambda_egress lambda-egress');
  });

  it('prints the script without loading the commands that need the AWS SDK (a shell runs it at every start)', async () => {
    // GIVEN cli/run.ts (every command that calls AWS, and the SDK with them) fails as soon as it is loaded
    await jest.isolateModulesAsync(async () => {
      jest.doMock('../../cli/run', () => {
        throw new Error('cli/run.ts was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runMain: runIsolated } = require('../support/run-main') as typeof import('../support/run-main');
      // WHEN the completion script is asked for
      const run = await runIsolated(['completion', 'bash']);
      // THEN it is printed all the same
      expect([run.code, run.stderr, run.stdout.includes('_lambda_egress()')]).toEqual([0, '', true]);
    });
  });

  it('refuses a shell it does not know (exit 2), naming the ones it does', async () => {
    const run = await runMain(['completion', 'fish']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Allowed choices are bash, zsh/);
  });
});
