import { colorEnabled, palette, writeLine, type OutputStream, type Palette } from './io';
import { elapsedMs, StepTracker, type StepEvent, type StepView } from './steps';

/** Shows the workflow's steps as they happen. */
export interface ProgressRenderer {
  onEvent(event: StepEvent): void;
  /** A line about the run itself (emulator started, execution started): printed above the steps. */
  note(text: string): void;
  /** Stops any animation and leaves the final step list on screen. */
  finish(): void;
}

interface ProgressOptions {
  readonly stream: OutputStream;
  readonly env: NodeJS.ProcessEnv;
  readonly quiet: boolean;
  /** Clock, for tests. Default Date.now. */
  readonly now?: () => number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 100;

/** A live list with spinners on a terminal, one plain line per change otherwise, nothing when quiet. */
export function createProgressRenderer(options: ProgressOptions): ProgressRenderer {
  if (options.quiet) return { onEvent: () => undefined, note: () => undefined, finish: () => undefined };
  const colors = palette(colorEnabled(options.stream, options.env));
  const now = options.now ?? Date.now;
  return options.stream.isTTY === true ? new LiveProgress(options.stream, colors, now) : new LineProgress(options.stream, colors, now);
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/** `EnsureNatGateway ×2`, `(1 retry)`: how often a step ran, beside its name. */
function describeRuns(step: StepView): string {
  const parts: string[] = [];
  if (step.runs > 1) parts.push(`×${step.runs}`);
  if (step.retries > 0) parts.push(`(${step.retries} ${step.retries === 1 ? 'retry' : 'retries'})`);
  return parts.join(' ');
}

export function stepLine(step: StepView, symbol: string, colors: Palette, now: number, nameWidth = 26): string {
  const runs = describeRuns(step);
  const name = `${step.name}${runs ? ` ${runs}` : ''}`.padEnd(nameWidth);
  const error = step.status === 'failed' && step.error ? `  ${colors.red(step.error)}` : '';
  return `  ${symbol} ${name} ${colors.dim(formatDuration(elapsedMs(step, now)).padStart(9))}${error}`;
}

function symbolOf(step: StepView, colors: Palette, frame: number): string {
  if (step.status === 'done') return colors.green('✔');
  if (step.status === 'failed') return colors.red('✖');
  return colors.cyan(SPINNER[frame % SPINNER.length] ?? '-');
}

class LiveProgress implements ProgressRenderer {
  private readonly tracker = new StepTracker();
  private drawnLines = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: OutputStream,
    private readonly colors: Palette,
    private readonly now: () => number,
  ) {}

  onEvent(event: StepEvent): void {
    this.tracker.apply(event);
    this.timer ??= setInterval(() => {
      this.frame += 1;
      this.draw();
    }, FRAME_MS);
    this.timer.unref();
    this.draw();
  }

  note(text: string): void {
    this.erase();
    writeLine(this.stream, text);
    this.draw();
  }

  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
    this.drawnLines = 0;
  }

  private erase(): void {
    if (this.drawnLines > 0) this.stream.write(`\x1b[${this.drawnLines}F\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    const lines = this.tracker.steps().map((step) => stepLine(step, symbolOf(step, this.colors, this.frame), this.colors, this.now()));
    const back = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F` : '';
    this.stream.write(`${back}${lines.map((line) => `\x1b[2K${line}\n`).join('')}\x1b[0J`);
    this.drawnLines = lines.length;
  }
}

/** For logs and pipes: the first start of a step, each completion, failure and retry, with the time since start. */
class LineProgress implements ProgressRenderer {
  private readonly tracker = new StepTracker();
  private readonly startedAt: number;

  constructor(
    private readonly stream: OutputStream,
    private readonly colors: Palette,
    private readonly now: () => number,
  ) {
    this.startedAt = now();
  }

  onEvent(event: StepEvent): void {
    const before = this.tracker.steps().find((step) => step.name === event.step);
    const step = this.tracker.apply(event);
    const stamp = this.colors.dim(`[${formatDuration(this.now() - this.startedAt).padStart(9)}]`);
    if (event.kind === 'entered' && !before) writeLine(this.stream, `${stamp} ▸ ${step.name}`);
    if (event.kind === 'retried') writeLine(this.stream, `${stamp} ${this.colors.yellow('↻')} ${step.name} retry ${event.attempt}`);
    if (event.kind === 'failed') writeLine(this.stream, `${stamp} ${stepLine(step, this.colors.red('✖'), this.colors, this.now()).trimStart()}`);
    if (event.kind === 'exited' && step.status === 'done') {
      writeLine(this.stream, `${stamp} ${stepLine(step, this.colors.green('✔'), this.colors, this.now()).trimStart()}`);
    }
  }

  note(text: string): void {
    writeLine(this.stream, text);
  }

  finish(): void {
    // Every change was already printed.
  }
}
