/**
 * @module
 * One spawn server, seen from the process that forked it: it starts the
 * server (`server-main`), sends it the programs to start and the kills,
 * and hands what the server reports to each program's events. It keeps
 * this process alive only while programs run on it.
 *
 * When the server dies, the programs it was running are lost: they fail,
 * and those it had started are killed (nothing else would wait for them).
 * A server that dies before it was ready started nothing: its programs
 * are started directly instead.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { COORDINATOR_VAR, coordinatorMark } from '../../util/coordinator-marker.ts';
import { setRef } from '../../util/ref.ts';
import type { LaunchEvents, Launched, LaunchRequest } from '../launch.ts';
import { launchDirect } from '../launch-direct.ts';
import type { FromServer, StartFailure, ToServer } from './protocol.ts';

/** The server's entry, beside this module in the sources (.ts) or the build (.js). */
const ENTRY = new URL(
  `./server-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/**
 * Each fork copies the server's page tables, and each program tears its
 * copy down when it starts: a young generation of 1 MB, no V8 helper
 * threads and one malloc arena keep the server's memory, and so both, small.
 */
const SERVER_FLAGS = [
  '--disable-warning=ExperimentalWarning',
  '--max-semi-space-size=1',
  '--single-threaded',
];
/** How much of the server's stderr is kept, to say why it died. */
const STDERR_TAIL = 2000;
/** How long after its exit the server's last messages may still arrive. */
const DRAIN_MS = 200;
/** A server not ready after this long is given up, and its programs started directly. */
const START_TIMEOUT_MS = 10_000;

interface Call {
  readonly request: LaunchRequest;
  readonly events: LaunchEvents;
  pid: number | undefined;
  aborted: boolean;
  /** Where the program went when the server could not start. */
  direct: Launched | undefined;
}

export class SpawnServer {
  readonly #child: ChildProcess;
  readonly #calls = new Map<number, Call>();
  readonly #onEnd: (server: SpawnServer, why: string, wasReady: boolean) => void;
  #lastId = 0;
  #ready = false;
  #ended = false;
  #stderr = '';
  readonly #startTimer: NodeJS.Timeout;

  /** Forks the server; `onEnd` hears once that it is gone, and why. Throws what `fork` throws. */
  constructor(onEnd: (server: SpawnServer, why: string, wasReady: boolean) => void) {
    this.#onEnd = onEnd;
    // The server's own environment matters only to Node: without NODE_OPTIONS,
    // which may load what the server must not (a loader, an inspector).
    const { NODE_OPTIONS: _, ...env } = process.env;
    const child = fork(fileURLToPath(ENTRY), [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: SERVER_FLAGS,
      env: { ...env, MALLOC_ARENA_MAX: '1', [COORDINATOR_VAR]: coordinatorMark() },
    });
    this.#child = child;
    child.on('message', (m: FromServer) => this.#receive(m));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL);
    });
    child.on('error', (error: Error) => {
      // A failed fork; after it, only a failed send, which 'exit' follows.
      if (child.pid === undefined) this.#end(`could not be started: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      const why = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      // Wait for its last messages: programs that ended before it did.
      const timer = setTimeout(() => this.#end(why), DRAIN_MS);
      child.once('close', () => {
        clearTimeout(timer);
        this.#end(why);
      });
    });
    this.#startTimer = setTimeout(() => {
      this.#end(`was not ready after ${START_TIMEOUT_MS / 1000} s`);
      child.kill('SIGKILL');
    }, START_TIMEOUT_MS).unref();
    this.#keepAlive(false);
  }

  /** Whether it can take programs. */
  get usable(): boolean {
    return !this.#ended && this.#child.connected;
  }

  /** Programs started on it (or on their way) and not yet ended. */
  get load(): number {
    return this.#calls.size;
  }

  launch(request: LaunchRequest, events: LaunchEvents): Launched {
    const id = ++this.#lastId;
    const call: Call = { request, events, pid: undefined, aborted: false, direct: undefined };
    this.#calls.set(id, call);
    if (this.#calls.size === 1) this.#keepAlive(true);
    this.#send({
      t: 'spawn',
      id,
      file: request.file,
      args: request.args,
      cwd: request.cwd,
      env: request.env ?? { ...process.env, [COORDINATOR_VAR]: coordinatorMark() },
      limit: request.maxOutputBytes,
      stream: request.streaming,
    });
    return {
      abort: () => {
        call.aborted = true;
        if (call.direct !== undefined) call.direct.abort();
        else if (this.#calls.has(id)) this.#send({ t: 'kill', id, signal: 'SIGTERM' });
      },
      kill: () => {
        if (call.direct !== undefined) call.direct.kill();
        else if (this.#calls.has(id)) this.#send({ t: 'kill', id, signal: 'SIGKILL' });
      },
      tail: (stream) => {
        if (call.direct === undefined && this.#calls.has(id)) {
          this.#send({ t: 'tail', id, s: stream === 'stdout' ? 1 : 2 });
        }
      },
    };
  }

  #send(message: ToServer): void {
    // A send to a server that just died fails here; its exit reports it.
    this.#child.send(message, undefined, undefined, () => {});
  }

  #receive(m: FromServer): void {
    if (m.t === 'ready') {
      this.#ready = true;
      clearTimeout(this.#startTimer);
      return;
    }
    const call = this.#calls.get(m.id);
    if (call === undefined) return;
    switch (m.t) {
      case 'started':
        call.pid = m.pid;
        call.events.started(m.pid);
        break;
      case 'out':
        call.events.output(m.s === 1 ? 'stdout' : 'stderr', m.d, m.skipped);
        break;
      case 'closed':
        this.#settled(m.id);
        call.events.closed(m.code, m.signal);
        break;
      case 'failed':
        this.#settled(m.id);
        call.events.failed(startFailure(m.error));
        break;
    }
  }

  #settled(id: number): void {
    this.#calls.delete(id);
    if (this.#calls.size === 0) this.#keepAlive(false);
  }

  #end(how: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#startTimer);
    this.#keepAlive(false);
    const stderr = this.#stderr.trim();
    const why = `the spawn server (pid ${this.#child.pid ?? 'none'}) ${how}${stderr === '' ? '' : `; its stderr: ${stderr}`}`;
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    this.#onEnd(this, why, this.#ready);
    for (const call of calls) {
      if (!this.#ready) {
        // It died before it read a request: nothing was started.
        if (call.aborted) call.events.lost(`${why}; the program was not started`);
        else this.#startDirectly(call, why);
      } else if (call.pid === undefined) {
        call.events.lost(`${why} before it said whether the program started`);
      } else {
        killLost(call.pid);
        call.events.lost(`${why} while the program ran; the program (pid ${call.pid}) was killed`);
      }
    }
  }

  #startDirectly(call: Call, why: string): void {
    call.events.note(`started directly: ${why}`);
    try {
      call.direct = launchDirect(call.request, call.events);
    } catch (error) {
      call.events.failed(error as NodeJS.ErrnoException);
    }
  }

  #keepAlive(on: boolean): void {
    const child = this.#child;
    setRef([child, child.channel, child.stderr], on);
  }
}

/** Kills a program whose server died; gone already is fine. */
function killLost(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

/** The error `child_process.spawn` would have reported in this process. */
function startFailure(f: StartFailure): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(f.message);
  error.name = f.name;
  if (f.code !== undefined) error.code = f.code;
  if (f.errno !== undefined) error.errno = f.errno;
  if (f.syscall !== undefined) error.syscall = f.syscall;
  if (f.path !== undefined) error.path = f.path;
  return error;
}
