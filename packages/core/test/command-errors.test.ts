import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandFailedError,
  CommandInputMissingError,
  CommandNotFoundError,
  CommandOutputMissingError,
  type CommandResult,
  command,
  type Future,
  InvalidOptionError,
  isWeftError,
  type LogEvent,
  RunCancelledError,
  type RunEvent,
  RunFailedError,
  run,
  startRun,
  submit,
  type Task,
  TimeoutError,
} from '@weft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { recorder, rejection, thrown } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-command-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `t` alone and returns the error it failed with (the run must fail). */
async function failureOf(t: Task<[], CommandResult>): Promise<Error> {
  let future: Future<CommandResult> | undefined;
  const error = await rejection(
    run(async () => {
      future = submit(t);
    }),
  );
  expect(error).toBeInstanceOf(RunFailedError);
  return future!.exception()!;
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

/** The pid that a command task logged when its program started. */
function startedPid(events: readonly { type: string }[]): number {
  const started = events.find(
    (e): e is LogEvent => e.type === 'log' && (e as LogEvent).message.startsWith('started'),
  );
  return started!.fields!.pid as number;
}

describe('command failures', () => {
  it('says "command not found" for a program that does not exist', async () => {
    const error = await failureOf(command('ghost', { argv: ['weft-no-such-program', 'x'] }));
    expect(error).toBeInstanceOf(CommandNotFoundError);
    expect(error).toMatchObject({ code: 'WEFT_COMMAND_NOT_FOUND', path: 'weft-no-such-program' });
    expect(error.message).toContain('command not found: weft-no-such-program');
  });

  it('names a working directory that does not exist, rather than the program', async () => {
    const missing = join(dir, 'no-such-dir');
    const error = await failureOf(command('nowhere', { argv: ['true'], cwd: missing }));
    expect(error).toMatchObject({ code: 'WEFT_COMMAND_NOT_FOUND', path: missing });
    expect(error.message).toContain(`working directory ${missing} does not exist`);
  });

  it('fails on a non-zero exit with the code and the end of stderr', async () => {
    const error = await failureOf(
      command('exit3', { argv: ['sh', '-c', 'echo first >&2; echo it broke >&2; exit 3'] }),
    );
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error).toMatchObject({
      code: 'WEFT_COMMAND_FAILED',
      exitCode: 3,
      signal: null,
      stderrTail: 'first\nit broke',
      argv: ['sh', '-c', 'echo first >&2; echo it broke >&2; exit 3'],
    });
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('it broke');
  });

  it('fails on death by a signal, naming the signal', async () => {
    const error = await failureOf(command('killed', { argv: ['sh', '-c', 'kill -9 $$'] }));
    expect(error).toMatchObject({ code: 'WEFT_COMMAND_FAILED', exitCode: null, signal: 'SIGKILL' });
    expect(error.message).toContain('was killed by SIGKILL');
  });

  it('fails, naming the path, when the program does not write a declared output', async () => {
    const error = await failureOf(
      command('lazy', { argv: ['true'], cwd: dir, outputs: ['never-written.txt'] }),
    );
    expect(error).toBeInstanceOf(CommandOutputMissingError);
    expect(error).toMatchObject({
      code: 'WEFT_COMMAND_OUTPUT_MISSING',
      path: join(dir, 'never-written.txt'),
    });
    expect(error.message).toContain(join(dir, 'never-written.txt'));
  });

  it('does not start a program whose declared input is missing, and names it', async () => {
    const marker = join(dir, 'started-anyway');
    const absent = join(dir, 'absent-input.txt');
    const error = await failureOf(
      command('needs-input', { argv: ['touch', marker], inputs: [absent] }),
    );
    expect(error).toBeInstanceOf(CommandInputMissingError);
    expect(error).toMatchObject({ code: 'WEFT_COMMAND_INPUT_MISSING', path: absent });
    expect(error.message).toContain(`input ${absent} does not exist`);
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps its code and fields through serialization', async () => {
    const error = await rejection(run(async () => submit(command('exit4', { argv: ['false'] }))));
    const failure = (error as RunFailedError).failures[0]!;
    expect(failure.error).toMatchObject({
      code: 'WEFT_COMMAND_FAILED',
      data: { exitCode: 1, argv: ['false'] },
    });
    expect(isWeftError((error as RunFailedError).cause)).toBe(true);
  });

  it('refuses a malformed spec at definition, naming the field', () => {
    expect(thrown(() => command('s', { argv: 'echo hi' }))).toBeInstanceOf(InvalidOptionError);
    expect(String(thrown(() => command('s', { argv: 'echo hi' })))).toContain('shell: true');
    expect(String(thrown(() => command('s', { argv: [] })))).toContain('non-empty program');
    const typo = { argv: ['true'], output: ['x'] } as unknown as { argv: string[] };
    expect(String(thrown(() => command('s', typo)))).toContain('unknown spec field "output"');
    expect(
      String(thrown(() => command('s', { argv: ['true'], env: { A: 1 as never } }))),
    ).toContain('env.A must be a string');
  });

  it('fails the task when a spec function returns a malformed spec', async () => {
    const bad = command('bad-spec', () => ({ argv: ['true'], inputs: 'one file' as never }));
    const error = await failureOf(bad);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error.message).toContain('command bad-spec: inputs must be an array');
  });
});

describe('command timeout and cancellation', () => {
  it('kills the program when the task times out, and fails with TimeoutError', async () => {
    const rec = recorder();
    const slow = command({ name: 'slow', timeout: '100ms' }, { argv: ['sleep', '10'] });
    const error = await rejection(run(async () => submit(slow), { onEvent: rec.onEvent }));
    expect((error as RunFailedError).failures[0]!.error.code).toBe('WEFT_TIMEOUT');
    expect((error as RunFailedError).cause).toBeInstanceOf(TimeoutError);
    expect(alive(startedPid(rec.events))).toBe(false);
  });

  it('sends SIGKILL after killGrace to a program that ignores SIGTERM', async () => {
    const rec = recorder();
    const stubborn = command(
      { name: 'stubborn', timeout: '100ms' },
      { argv: ['sh', '-c', 'trap "" TERM; exec sleep 10'], killGrace: '50ms' },
    );
    const error = await rejection(run(async () => submit(stubborn), { onEvent: rec.onEvent }));
    expect((error as RunFailedError).failures[0]!.error.code).toBe('WEFT_TIMEOUT');
    expect(alive(startedPid(rec.events))).toBe(false);
  });

  it.each([
    ['is killed', 'sleep 30 & echo $!; wait'],
    ['has exited', 'sleep 30 & echo $!'],
  ])(
    'does not wait for a process left holding its output once the program %s',
    async (_, script) => {
      const events: RunEvent[] = [];
      const leaver = command({ name: 'leaver', timeout: '200ms' }, { argv: script, shell: true });
      const error = await rejection(
        run(async () => submit(leaver), { onEvent: (e) => events.push(e), cancelGrace: '60s' }),
      );
      // The run waits for the task to settle (cancelGrace); were the task to wait for
      // the sleep (30 s), that would be past the test's timeout.
      expect((error as RunFailedError).failures[0]!.error.code).toBe('WEFT_TIMEOUT');
      const line = events.find(
        (e): e is LogEvent => e.type === 'log' && e.fields?.stream === 'stdout',
      );
      process.kill(Number(line!.message), 'SIGKILL');
    },
  );

  it('kills the program when the run is cancelled', async () => {
    const rec = recorder();
    let pid: number | undefined;
    let onStarted = (): void => {};
    const started = new Promise<void>((resolve) => {
      onStarted = resolve;
    });
    const handle = startRun(async () => submit(command('sleeper', { argv: ['sleep', '10'] })), {
      onEvent: (event) => {
        rec.onEvent(event);
        if (event.type === 'log' && event.message.startsWith('started')) {
          pid = event.fields!.pid as number;
          onStarted();
        }
      },
    });
    await started;
    expect(alive(pid!)).toBe(true);
    handle.cancel('enough');
    expect(await rejection(handle.result())).toBeInstanceOf(RunCancelledError);
    expect(alive(pid!)).toBe(false);
  });
});

describe('command failures that retrying cannot fix', () => {
  it('does not retry a program that does not exist', async () => {
    const missing = command(
      { name: 'missing-retried', retries: 3, backoff: { initial: 0 } },
      { argv: ['weft-no-such-program-xyz'] },
    );
    const attempts: number[] = [];
    await expect(
      run(async () => submit(missing), {
        onEvent: (e) => {
          if (e.type === 'started') attempts.push(e.attempt);
        },
      }),
    ).rejects.toThrow(/command not found: weft-no-such-program-xyz/);
    expect(attempts).toEqual([1]);
  });
});
