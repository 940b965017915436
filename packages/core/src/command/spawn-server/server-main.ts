/**
 * @module
 * The spawn server's entry: a small Node process that starts programs for
 * the process that forked it (`client.ts`). On Linux, libuv forks the whole
 * calling process for each spawn, and the caller's event loop waits for a
 * time that grows with its memory; this process stays small (it imports
 * node:child_process and nothing of weft), so its forks stay cheap, and its
 * parent's event loop never waits on one.
 *
 * It reads each program's output and sends it on as it comes, or, for a
 * stream in tail mode, keeps only its last bytes and sends them when the
 * program has ended. Each program runs in a process group of its own; when
 * the parent goes (the channel closes: it exited, or was killed), the
 * server kills every group it started, then exits, so no program outlives
 * the run that started it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { FromServer, StartFailure, ToServer } from './protocol.ts';

/** Output not yet written to the channel above which reading programs pauses. */
const HIGH_WATER = 1 << 20;

let queued = 0;
const paused = new Set<Readable>();

function send(message: FromServer, bytes = 0): void {
  queued += bytes;
  // An error means the channel has closed: 'disconnect' ends the process.
  process.send!(message, undefined, undefined, () => {
    queued -= bytes;
    if (queued > HIGH_WATER / 4 || paused.size === 0) return;
    for (const stream of paused) stream.resume();
    paused.clear();
  });
}

/** One output stream of a program: sent as it comes, or only its tail once in tail mode. */
class Output {
  readonly #id: number;
  readonly #s: 1 | 2;
  readonly #limit: number;
  readonly #stream: Readable;
  #tail: boolean;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #skipped = 0;

  constructor(id: number, s: 1 | 2, limit: number, tail: boolean, stream: Readable) {
    this.#id = id;
    this.#s = s;
    this.#limit = limit;
    this.#tail = tail;
    this.#stream = stream;
    stream.on('data', (chunk: Buffer) => this.#push(chunk));
  }

  tail(): void {
    this.#tail = true;
  }

  /** Sends the kept tail; call once the program has ended. */
  flush(): void {
    if (this.#bytes === 0 && this.#skipped === 0) return;
    const d = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    send({ t: 'out', id: this.#id, s: this.#s, d, skipped: this.#skipped });
  }

  #push(chunk: Buffer): void {
    if (!this.#tail) {
      send({ t: 'out', id: this.#id, s: this.#s, d: chunk, skipped: 0 }, chunk.length);
      if (queued > HIGH_WATER) {
        this.#stream.pause();
        paused.add(this.#stream);
      }
      return;
    }
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    // Whole chunks that lie entirely before the last `limit` bytes go.
    while (this.#chunks.length > 0 && this.#bytes - this.#chunks[0]!.length >= this.#limit) {
      const first = this.#chunks.shift()!;
      this.#bytes -= first.length;
      this.#skipped += first.length;
    }
  }
}

interface Running {
  readonly child: ChildProcess;
  readonly out: Output;
  readonly err: Output;
  aborted: boolean;
}

const running = new Map<number, Running>();

function start(m: Extract<ToServer, { t: 'spawn' }>): void {
  let child: ChildProcess;
  try {
    child = spawn(m.file, m.args, {
      cwd: m.cwd,
      env: m.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
  } catch (error) {
    send({ t: 'failed', id: m.id, error: failure(error) });
    return;
  }
  if (child.pid === undefined) {
    child.once('error', (error) => send({ t: 'failed', id: m.id, error: failure(error) }));
    return;
  }
  const run: Running = {
    child,
    out: new Output(m.id, 1, m.limit, !m.stream, child.stdout!),
    err: new Output(m.id, 2, m.limit, !m.stream, child.stderr!),
    aborted: false,
  };
  running.set(m.id, run);
  send({ t: 'started', id: m.id, pid: child.pid });
  // Once started, 'error' only reports a failed kill; 'close' still comes.
  child.on('error', () => {});
  child.on('exit', () => {
    if (run.aborted) stopReading(child);
  });
  child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
    running.delete(m.id);
    run.out.flush();
    run.err.flush();
    send({ t: 'closed', id: m.id, code, signal });
  });
}

function kill(id: number, signal: NodeJS.Signals): void {
  const run = running.get(id);
  if (run === undefined) return;
  run.aborted = true;
  const child = run.child;
  if (child.exitCode !== null || child.signalCode !== null) stopReading(child);
  else signalGroup(child, signal);
}

/** Sends `signal` to the program's process group: it and what it started. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal); // the group is gone; the program itself may not be
  }
}

/**
 * Once an aborted program has exited, processes it started may still hold
 * its pipes open: do not wait for them.
 */
function stopReading(child: ChildProcess): void {
  child.stdout!.destroy();
  child.stderr!.destroy();
}

function failure(error: unknown): StartFailure {
  const e = error as NodeJS.ErrnoException;
  return {
    name: e.name,
    message: e.message,
    code: e.code,
    errno: e.errno,
    syscall: e.syscall,
    path: e.path,
  };
}

// Sent before any request is read: a client that saw no 'ready' knows nothing was started.
send({ t: 'ready' });
process.on('message', (m: ToServer) => {
  if (m.t === 'spawn') start(m);
  else if (m.t === 'kill') kill(m.id, m.signal);
  else {
    const run = running.get(m.id);
    (m.s === 1 ? run?.out : run?.err)?.tail();
  }
});
// The parent is gone: no program it started may outlive it.
process.on('disconnect', () => {
  for (const run of running.values()) signalGroup(run.child, 'SIGKILL');
  process.exit(0);
});
// Ctrl-C reaches the terminal's process group: weft, which decides what it
// means (it stops the programs, each in a group of its own, through this
// server), and this server, which lives on to report how they ended.
process.on('SIGINT', () => {});
