/**
 * @module
 * Workers as child processes (`child_process.fork` with advanced
 * serialization): isolated memory and crashes. A heap limit is
 * `--max-old-space-size` (V8 aborts the process, and says so on stderr); a
 * hard stop is SIGTERM, then SIGKILL after a grace period, as tinypool does.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerDeath } from '../../errors/worker.ts';
import { workerCompileCache } from '../../util/compile-cache.ts';
import { COORDINATOR_VAR, coordinatorMark } from '../../util/coordinator-marker.ts';
import { setRef } from '../../util/ref.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import type { Runtime, SpawnOptions, WorkerEvents, WorkerHandle } from './runtime.ts';

/** How much of a worker's last stderr is kept, to tell an out-of-memory abort. */
const STDERR_TAIL = 4096;
/** How long after exit its output may still arrive. */
const OUTPUT_DRAIN_MS = 200;
const OOM = /heap out of memory|Reached heap limit|Allocation failed/;

class ProcessHandle implements WorkerHandle {
  readonly #child: ChildProcess;
  readonly #terminateGraceMs: number;
  #stopReason: string | undefined;
  #stderrTail = '';
  #killTimer: NodeJS.Timeout | undefined;

  constructor(options: SpawnOptions, events: WorkerEvents) {
    const limit = options.memoryLimitMb;
    this.#terminateGraceMs = options.terminateGraceMs;
    const cache = workerCompileCache();
    this.#child = fork(fileURLToPath(options.entry), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Node's compile cache spares each new process the type stripping of .ts modules.
      env: {
        ...process.env,
        ...(cache === undefined ? {} : { NODE_COMPILE_CACHE: cache }),
        [COORDINATOR_VAR]: coordinatorMark(),
      },
      execArgv: [
        '--disable-warning=ExperimentalWarning',
        ...(limit === undefined ? [] : [`--max-old-space-size=${limit}`]),
        ...options.execArgv,
      ],
    });
    const child = this.#child;
    child.send(options.init);
    child.on('message', (batch: readonly FromWorker[]) => events.message(batch));
    child.stdout!.setEncoding('utf8').on('data', (text: string) => events.output(1, text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.#stderrTail = (this.#stderrTail + text).slice(-STDERR_TAIL);
      events.output(2, text);
    });
    // Sending to a process that just died fails here; its exit reports it.
    child.on('error', () => {});
    let exited = false;
    const report = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (exited) return;
      exited = true;
      clearTimeout(this.#killTimer);
      events.exit(this.#death(code, signal, limit));
    };
    child.once('exit', (code, signal) => {
      // Wait for the last output (an out-of-memory report), but not for
      // pipes a grandchild may hold open.
      const timer = setTimeout(() => report(code, signal), OUTPUT_DRAIN_MS);
      child.once('close', () => {
        clearTimeout(timer);
        report(code, signal);
      });
    });
  }

  #death(code: number | null, signal: string | null, limitMb: number | undefined): WorkerDeath {
    if (this.#stopReason !== undefined) return { kind: 'stopped', reason: this.#stopReason };
    if (OOM.test(this.#stderrTail)) return { kind: 'oom', limitMb };
    if (signal !== null) return { kind: 'signal', signal };
    return { kind: 'exit', code: code ?? -1 };
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  send(batch: readonly ToWorker[], _transfer: readonly ArrayBuffer[]): void {
    if (this.#child.connected) this.#child.send(batch);
  }

  keepAlive(on: boolean): void {
    const child = this.#child;
    setRef([child, child.channel, child.stdout, child.stderr], on);
  }

  kill(reason: string): void {
    if (this.#stopReason !== undefined) return;
    this.#stopReason = reason;
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    this.#killTimer = setTimeout(() => child.kill('SIGKILL'), this.#terminateGraceMs);
  }
}

/** The child-process runtime. */
export const processRuntime: Runtime = {
  kind: 'process',
  canTransfer: false,
  spawn: (options, events) => new ProcessHandle(options, events),
};
