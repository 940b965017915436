/**
 * @module
 * The launcher that starts a program from this process with
 * `child_process.spawn`: the fallback when no spawn server can run, and
 * what `WEFT_SPAWN_SERVER=0` asks for. stdin is /dev/null; stdout and
 * stderr are pipes, read to their end.
 */
import { spawn } from 'node:child_process';
import { COORDINATOR_VAR, coordinatorMark } from '../util/coordinator-marker.ts';
import type { Launcher } from './launch.ts';

export const launchDirect: Launcher = (request, events) => {
  const child = spawn(request.file, request.args, {
    cwd: request.cwd,
    env: request.env ?? { ...process.env, [COORDINATOR_VAR]: coordinatorMark() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let aborted = false;
  let ended = false;
  const stopReading = (): void => {
    child.stdout.destroy();
    child.stderr.destroy();
  };
  child.stdout.on('data', (chunk: Buffer) => events.output('stdout', chunk, 0));
  child.stderr.on('data', (chunk: Buffer) => events.output('stderr', chunk, 0));
  child.on('error', (error: NodeJS.ErrnoException) => {
    // Once started, 'error' only reports a failed kill; 'close' still comes.
    if (ended || child.pid !== undefined) return;
    ended = true;
    events.failed(error);
  });
  child.on('exit', () => {
    if (aborted) stopReading();
  });
  child.on('close', (exitCode: number | null, signal: NodeJS.Signals | null) => {
    if (ended) return;
    ended = true;
    events.closed(exitCode, signal);
  });
  const pid = child.pid;
  if (pid !== undefined) queueMicrotask(() => events.started(pid));
  return {
    abort: () => {
      aborted = true;
      if (child.exitCode !== null || child.signalCode !== null) stopReading();
      else child.kill('SIGTERM');
    },
    kill: () => {
      child.kill('SIGKILL');
    },
    tail: () => {},
  };
};
