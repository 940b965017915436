import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Launcher } from '../src/command/launch.js';
import { launchDirect } from '../src/command/launch-direct.js';
import { type ProgramExit, runProgram } from '../src/command/spawn.js';
import { launchOnServer } from '../src/command/spawn-server/servers.js';
import { rejection, sleep } from './helpers.ts';

// Spawn servers are the default on Linux only; test them everywhere.
process.env.WEFT_SPAWN_SERVERS = '2';

const dir = mkdtempSync(join(tmpdir(), 'weft-command-launchers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Options {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly maxOutputBytes?: number;
  /** Whether lines are logged (handed to onLine). @default true */
  readonly log?: boolean;
  readonly killGraceMs?: number;
  readonly signal?: AbortSignal;
  /** Called with each logged line, after it was recorded. */
  readonly onLine?: (line: string) => void;
}

interface Outcome {
  readonly exit: ProgramExit;
  /** The lines handed on, as `stream: line`. */
  readonly lines: readonly string[];
  readonly pid: number | undefined;
}

/** Runs `argv` to its end with `launch`, recording its lines and its pid. */
async function runWith(launch: Launcher, argv: string[], o: Options = {}): Promise<Outcome> {
  const lines: string[] = [];
  let pid: number | undefined;
  const exit = await runProgram(
    {
      file: argv[0]!,
      args: argv.slice(1),
      argv,
      cwd: o.cwd ?? process.cwd(),
      env: o.env,
      killGraceMs: o.killGraceMs ?? 5000,
      maxOutputBytes: o.maxOutputBytes ?? 1 << 20,
      onLine:
        o.log === false
          ? undefined
          : (stream, line) => {
              lines.push(`${stream}: ${line}`);
              o.onLine?.(line);
            },
      onStart: (p) => {
        pid = p;
      },
      onDebug: undefined,
    },
    o.signal ?? new AbortController().signal,
    launch,
  );
  return { exit, lines, pid };
}

/** Whether a process with this id exists (a dead child that was waited for does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(10);
  return !alive(pid);
}

describe.each([
  ['a spawn server', launchOnServer],
  ['direct spawn', launchDirect],
] as const)('programs started by %s', (_, launch) => {
  it('report their exit code and output, and hand on their lines', async () => {
    const { exit, lines } = await runWith(launch, [
      'sh',
      '-c',
      'echo out; echo err >&2; printf last; exit 3',
    ]);
    expect(exit).toEqual({
      exitCode: 3,
      signal: null,
      stdout: 'out\nlast',
      stderr: 'err\n',
      stdoutDropped: 0,
      stderrDropped: 0,
    });
    expect([...lines].sort()).toEqual(['stderr: err', 'stdout: last', 'stdout: out']);
  });

  it('report death by a signal', async () => {
    const { exit } = await runWith(launch, ['sh', '-c', 'kill -TERM $$']);
    expect(exit).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
  });

  it('see the environment of this process as it is when they start', async () => {
    const show = ['sh', '-c', 'printf %s "$WEFT_LAUNCH_TEST"'];
    process.env.WEFT_LAUNCH_TEST = 'first';
    expect((await runWith(launch, show)).exit.stdout).toBe('first');
    process.env.WEFT_LAUNCH_TEST = 'second';
    expect((await runWith(launch, show)).exit.stdout).toBe('second');
    delete process.env.WEFT_LAUNCH_TEST;
    expect((await runWith(launch, show, { env: { PATH: process.env.PATH } })).exit.stdout).toBe('');
  });

  it('run in their working directory', async () => {
    const { exit } = await runWith(launch, ['sh', '-c', 'pwd -P'], { cwd: '/' });
    expect(exit.stdout).toBe('/\n');
  });

  it.each([
    [['weft-no-such-program'], process.cwd(), 'command not found: weft-no-such-program'],
    [['true'], join(dir, 'no-such-dir'), `working directory ${join(dir, 'no-such-dir')}`],
  ])('that cannot start fail with CommandNotFoundError: %j in %s', async (argv, cwd, text) => {
    const error = await rejection(runWith(launch, argv, { cwd }));
    expect(error).toMatchObject({ code: 'WEFT_COMMAND_NOT_FOUND' });
    expect((error as Error).message).toContain(text);
    expect((error as Error).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('that are not executable fail with CommandNotFoundError, saying so', async () => {
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o644);
    const error = await rejection(runWith(launch, [file]));
    expect(error).toMatchObject({ code: 'WEFT_COMMAND_NOT_FOUND', path: file });
    expect((error as Error).message).toContain('permission denied');
  });

  it('get SIGTERM, then SIGKILL after the grace, when the signal aborts', async () => {
    const controller = new AbortController();
    let pid: number | undefined;
    const running = runWith(launch, ['sh', '-c', 'trap "" TERM; echo $$; exec sleep 10'], {
      signal: controller.signal,
      killGraceMs: 100,
      onLine: (line) => {
        pid = Number(line);
        controller.abort(new Error('enough'));
      },
    });
    const error = await rejection(running);
    expect(error).toMatchObject({ message: 'enough' });
    expect(await gone(pid!)).toBe(true);
  });

  it('are not waited for, once aborted and exited, by a process that holds their output', async () => {
    const controller = new AbortController();
    let sleeper: number | undefined;
    const running = runWith(launch, ['sh', '-c', 'sleep 30 & echo $!'], {
      signal: controller.signal,
      onLine: (line) => {
        sleeper = Number(line);
        // Late enough that sh has exited, and the sleep holds its stdout.
        setTimeout(() => controller.abort(new Error('enough')), 100);
      },
    });
    expect(await rejection(running)).toMatchObject({ message: 'enough' });
    process.kill(sleeper!, 'SIGKILL');
  });
});

/** Output of all kinds, bounded: what a spawn server must give exactly as direct spawn does. */
const OUTPUTS: readonly [string, string[], Options][] = [
  ['a large output, logged', ['seq', '1', '200000'], { maxOutputBytes: 1000 }],
  ['a large output, not logged', ['seq', '1', '200000'], { maxOutputBytes: 1000, log: false }],
  [
    'large outputs on both streams',
    ['sh', '-c', 'seq 1 100000; seq 1 100000 >&2; seq 5 9'],
    { maxOutputBytes: 4096 },
  ],
  [
    'multi-byte characters cut at an odd bound',
    ['sh', '-c', 'i=0; while [ $i -lt 3000 ]; do printf "é€😀\\n"; i=$((i+1)); done'],
    { maxOutputBytes: 1001 },
  ],
  ['nothing kept', ['seq', '1', '1000'], { maxOutputBytes: 0 }],
  [
    'more output logged than the server holds back at once',
    ['sh', '-c', 'head -c 6000000 /dev/zero | tr "\\0" x | fold -w 4000'],
    { maxOutputBytes: 5_000_000 },
  ],
];

describe('a spawn server', () => {
  it.each(OUTPUTS)('gives what direct spawn gives for %s', async (_, argv, options) => {
    const onServer = await runWith(launchOnServer, argv, options);
    const direct = await runWith(launchDirect, argv, options);
    expect(onServer.exit).toEqual(direct.exit);
    expect(onServer.lines).toEqual(direct.lines);
  });

  it('gives what direct spawn gives for a long line without a line ending', async () => {
    // Its pieces, as logged, depend on how the pipe's reads cut it: compare the result only.
    const argv = ['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" x'];
    const onServer = await runWith(launchOnServer, argv, { maxOutputBytes: 10000 });
    const direct = await runWith(launchDirect, argv, { maxOutputBytes: 10000 });
    expect(onServer.exit).toEqual(direct.exit);
    expect(onServer.exit).toMatchObject({ stdout: 'x'.repeat(10000), stdoutDropped: 290000 });
  });

  it('keeps the end of a large output, and counts what it dropped', async () => {
    const { exit, lines } = await runWith(launchOnServer, ['seq', '1', '200000'], {
      maxOutputBytes: 20,
    });
    expect(exit.stdout).toBe('199997\n199998\n199999\n200000\n'.slice(-20));
    expect(exit.stdoutDropped).toBe(1288895 - 20);
    expect(lines).toEqual([
      'stdout: 1',
      'stdout: 2',
      'stdout: 3',
      'stdout: 4',
      'stdout: 5',
      'stdout: 6',
      'stdout: 7',
      'stdout: 8',
      'stdout: 9',
      'stdout: 10',
      "stdout: (output beyond 20 characters is not logged; the task's result keeps its end)",
    ]);
  });
});
