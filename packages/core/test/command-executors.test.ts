import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LogEvent,
  type ParallelOptions,
  processesExecutor,
  type RunEvent,
  type RunFailedError,
  run,
  submit,
  threadsExecutor,
} from '@weft/core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { catOutput, exit3, sleep10, writeText } from './fixtures/command-tasks.ts';
import { rejection, sleep } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-command-executors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixtures = new URL('./fixtures/command-tasks.ts', import.meta.url);

/** Whether the process is gone, waiting for it a while (a worker may report before it reaps). */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500; i++) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
    await sleep(10);
  }
  return false;
}

describe.each(['threads', 'processes'] as const)('command tasks on the %s executor', (kind) => {
  const open: AsyncDisposable[] = [];
  const executor = (options: ParallelOptions = {}) => {
    const all: ParallelOptions = { preload: [fixtures], killGrace: '2s', max: 2, ...options };
    const e = kind === 'threads' ? threadsExecutor(all) : processesExecutor(all);
    open.push(e);
    return e;
  };
  afterEach(async () => {
    for (const e of open.splice(0)) await e[Symbol.asyncDispose]();
  });

  it('runs a pipeline of two commands in workers, with their output logged', async () => {
    const events: RunEvent[] = [];
    const out = join(dir, `${kind}.txt`);
    const result = await run(() => submit(catOutput, submit(writeText, `via ${kind}`, out)), {
      executor: executor(),
      onEvent: (e) => events.push(e),
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: `via ${kind}\n`, outputs: [] });
    const lines = events.filter(
      (e): e is LogEvent => e.type === 'log' && e.fields?.stream !== undefined,
    );
    expect(lines.map((e) => [e.level, e.message, e.fields?.stream])).toContainEqual([
      'debug',
      `via ${kind}`,
      'stdout',
    ]);
  });

  it('fails with the command error, its code and fields kept across', async () => {
    const error = (await rejection(
      run(() => submit(exit3), { executor: executor() }),
    )) as RunFailedError;
    expect(error.failures[0]!.error).toMatchObject({
      code: 'WEFT_COMMAND_FAILED',
      message: expect.stringContaining('exited with code 3'),
      data: { exitCode: 3, stderrTail: 'it broke' },
    });
  });

  it('kills the program in the worker when the task times out', async () => {
    const events: RunEvent[] = [];
    const error = (await rejection(
      run(() => submit(sleep10.with({ timeout: '200ms' })), {
        executor: executor(),
        onEvent: (e) => events.push(e),
      }),
    )) as RunFailedError;
    expect(error.failures[0]!.error.code).toBe('WEFT_TIMEOUT');
    const started = events.find(
      (e): e is LogEvent => e.type === 'log' && e.message.startsWith('started'),
    );
    expect(await gone(started!.fields!.pid as number)).toBe(true);
  });
});
