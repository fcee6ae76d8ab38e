/**
 * Ctrl-C and SIGTERM for the real process. The handlers are installed once, before the command runs, so a
 * signal in any phase (the emulator starting, a task running, the report) is answered the same way: run the
 * cleanups registered so far (stop the embedded emulator), but for at most CLEANUP_DEADLINE_MS, then exit
 * 130/143 as a shell would report the signal. A second signal exits at once. Whatever a cleanup did not stop,
 * the process's 'exit' hooks end (local/moto-server.ts kills its moto server by pid).
 */
const CLEANUP_DEADLINE_MS = 3_000;

interface InterruptHandling {
  /** Registers a cleanup for the next signal, and what it does in the message's words; returns its removal. */
  onInterrupt(cleanup: () => Promise<void>, doing: string): () => void;
}

let installed: InterruptHandling | undefined;

export function installInterruptHandling(proc: NodeJS.Process = process): InterruptHandling {
  if (installed) return installed;
  const cleanups = new Map<() => Promise<void>, string>();
  let interrupted = false;
  const handle = (signal: 'SIGINT' | 'SIGTERM'): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (interrupted) proc.exit(code);
    interrupted = true;
    // Whatever ends the process from here (the deadline, the command failing as its emulator goes, the event loop
    // running dry), it reports the signal, not the command's own code.
    proc.on('exit', () => (proc.exitCode = code));
    proc.stderr.write(`\n${signal === 'SIGINT' ? 'Interrupted' : 'Terminated'}${cleanups.size > 0 ? `: ${[...new Set(cleanups.values())].join(', ')}...` : '.'}\n`);
    // Kept referenced: a cleanup stuck on a promise no handle holds must not let the loop run dry before the deadline.
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, CLEANUP_DEADLINE_MS));
    const done = Promise.allSettled([...cleanups.keys()].map((cleanup) => cleanup()));
    void Promise.race([done, deadline]).finally(() => proc.exit(code));
  };
  proc.on('SIGINT', () => handle('SIGINT'));
  proc.on('SIGTERM', () => handle('SIGTERM'));
  installed = {
    onInterrupt: (cleanup, doing) => {
      cleanups.set(cleanup, doing);
      return () => cleanups.delete(cleanup);
    },
  };
  return installed;
}
