import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  command,
  type LogEvent,
  type RunEvent,
  type RunFailedError,
  run,
  startRun,
  submit,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { rejection, sleep } from './helpers.ts';

// Spawn servers are the default on Linux only; test them everywhere.
process.env.WEFT_SPAWN_SERVERS = '2';

/** The parent of a running process. */
function parentOf(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }));
}

/** The command line of a running process. */
function argsOf(pid: number): string {
  return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).trim();
}

const SERVER_MAIN = /server-main\.(ts|js)$/;

/** A command that prints the pid of its parent: the spawn server that started it. */
const showParent = command('show-parent', { argv: ['sh', '-c', 'echo $PPID'] });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && alive(pid); i++) await sleep(10);
  return !alive(pid);
}

/** The pid a command task logged when its program started. */
function startedPid(events: readonly RunEvent[]): number {
  const started = events.find(
    (e): e is LogEvent => e.type === 'log' && e.message.startsWith('started'),
  );
  return started!.fields!.pid as number;
}

/** A command that prints the pid of its shell, then sleeps. */
const sleeper = command('sleeper', { argv: ['sh', '-c', 'echo $$; exec sleep 10'] });

describe('the spawn server', () => {
  it('starts programs: they are its children, and it is a child of this process', async () => {
    const server = Number((await run(async () => submit(showParent))).stdout);
    expect(server).not.toBe(process.pid);
    expect(argsOf(server)).toMatch(SERVER_MAIN);
    expect(parentOf(server)).toBe(process.pid);
  });

  it('fails the command with a clear error when it dies, kills the program, and is replaced', async () => {
    let onStarted = (_pid: number): void => {};
    const started = new Promise<number>((resolve) => {
      onStarted = resolve;
    });
    const handle = startRun(async () => submit(sleeper), {
      onEvent: (e) => {
        if (e.type === 'log' && e.fields?.stream === 'stdout') onStarted(Number(e.message));
      },
    });
    const program = await started;
    const server = parentOf(program);
    process.kill(server, 'SIGKILL');
    const error = (await rejection(handle.result())) as RunFailedError;
    const failure = error.failures[0]!.error;
    expect(failure).toMatchObject({
      code: 'WEFT_SPAWN_SERVER_DIED',
      data: { pid: program, argv: ['sh', '-c', 'echo $$; exec sleep 10'] },
    });
    expect(failure.message).toContain(`the spawn server (pid ${server}) was killed by SIGKILL`);
    expect(failure.message).toContain(`the program (pid ${program}) was killed`);
    expect(await gone(program)).toBe(true);

    const replacement = Number((await run(async () => submit(showParent))).stdout);
    expect(replacement).not.toBe(server);
    expect(argsOf(replacement)).toMatch(SERVER_MAIN);
  });

  it('kills the program it started when the task times out', async () => {
    const events: RunEvent[] = [];
    const error = (await rejection(
      run(async () => submit(sleeper.with({ timeout: '300ms' })), {
        onEvent: (e) => events.push(e),
      }),
    )) as RunFailedError;
    expect(error.failures[0]!.error.code).toBe('WEFT_TIMEOUT');
    const line = events.find(
      (e): e is LogEvent => e.type === 'log' && e.fields?.stream === 'stdout',
    );
    expect(Number(line!.message)).toBe(startedPid(events));
    expect(await gone(startedPid(events))).toBe(true);
  });

  it('neither keeps its process alive nor outlives it', async () => {
    // A process that runs one command, prints the server's pid and ends on its own.
    const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const script = `
      import { command, run, submit } from ${JSON.stringify(index)};
      const r = await run(async () => submit(command('ppid', { argv: ['sh', '-c', 'echo $PPID'] })));
      process.stdout.write(r.stdout);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const server = Number(out);
    expect(server).toBeGreaterThan(0);
    expect(await gone(server)).toBe(true);
  });
});
