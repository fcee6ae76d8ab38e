import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROCESS_TEST_TIMEOUT_MS, runCli } from '../support/run-cli';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const DOCUMENTS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];
const text = (document: string) => readFileSync(join(ROOT, document), 'utf8');

/** Every `npx lambda-egress ...` / `lambda-egress ...` line of the documents' shell blocks, comments cut off. */
function shownCommands(): Array<{ readonly document: string; readonly words: string[] }> {
  return DOCUMENTS.flatMap((document) =>
    [...text(document).matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].flatMap((block) =>
      (block[1] ?? '')
        .split('\n')
        .map((line) => line.replace(/\s#.*$/, '').trim())
        .filter((line) => /^(npx )?lambda-egress /.test(line))
        .map((line) => ({ document, words: line.replace(/^npx /, '').split(/\s+/).slice(1) })),
    ),
  );
}

/**
 * A command line that runs offline and changes nothing: help, the version, and a plan in the emulator (--demo
 * creates its sample function there first). Every other line is checked for its flags only (it needs AWS, or
 * a session's state, or changes something).
 */
const runsOffline = (words: readonly string[]): boolean =>
  words.includes('--help') || words.includes('--version') || (words[0] === 'plan' && words.includes('--demo') && !words.includes('--release') && !words.includes('--teardown'));

describe('the README and docs/', () => {
  it('link only to files that exist (relative links), and never to ../shared, which a clone does not have', () => {
    const broken: string[] = [];
    for (const document of DOCUMENTS) {
      for (const [, target] of text(document).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const path = resolve(ROOT, dirname(document), target.split('#')[0] ?? '');
        if (!existsSync(path)) broken.push(`${document}: ${target}`);
      }
      if (/\.\.\/shared\//.test(text(document))) broken.push(`${document}: mentions ../shared/`);
    }
    expect(broken).toEqual([]);
  });

  it('show only commands the CLI has, with flags it knows (a command without --local or --demo needs AWS: it is checked, not run)', async () => {
    // GIVEN every lambda-egress command line the documents show
    const shown = shownCommands();
    expect(shown.length).toBeGreaterThan(5);
    // WHEN each subcommand's help is read from the CLI itself
    const subcommands = [...new Set(shown.map((command) => command.words[0] ?? ''))];
    const helps = new Map(await Promise.all(subcommands.map(async (name) => [name, await runCli([name, '--help'])] as const)));
    // THEN each is a subcommand (help exits 0) and each of its flags appears in that help
    const unknown: string[] = [];
    for (const { document, words } of shown) {
      const help = helps.get(words[0] ?? '');
      if (help?.code !== 0) {
        unknown.push(`${document}: lambda-egress ${words.join(' ')} (no such command)`);
        continue;
      }
      for (const flag of words.filter((word) => word.startsWith('-'))) {
        if (!new RegExp(`(^|[\\s,])${flag.split('=')[0]?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') ?? ''}([\\s,]|$)`, 'm').test(help.stdout)) unknown.push(`${document}: ${words[0] ?? ''} ${flag}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('run: the lines that are safe offline (--help, --version, plan --local --demo) each exit 0', async () => {
    // GIVEN the README's and docs' command lines that need neither AWS nor a session
    const safe = shownCommands().filter(({ words }) => runsOffline(words));
    expect(safe.map(({ words }) => words.join(' '))).toEqual(expect.arrayContaining(['--help', expect.stringMatching(/^plan --local --demo/)]));
    // WHEN each runs as a user would type it (against the test's emulator: AWS_ENDPOINT_URL)
    const failed: string[] = [];
    for (const { document, words } of safe) {
      const run = await runCli(words);
      if (run.code !== 0) failed.push(`${document}: lambda-egress ${words.join(' ')} -> exit ${run.code}: ${run.stderr.slice(0, 300)}`);
    }
    // THEN every one exits 0
    expect(failed).toEqual([]);
  });
});
