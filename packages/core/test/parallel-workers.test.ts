import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type Future,
  type LogEvent,
  type ParallelOptions,
  processesExecutor,
  type RunEvent,
  type RunFailedError,
  run,
  startRun,
  submit,
  type Task,
  threadsExecutor,
} from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bigResult,
  deaf,
  dieOnce,
  duplicateLabels,
  echo,
  keptSize,
  talk,
  tree,
  where,
} from './fixtures/parallel-tasks.ts';
import { rejection } from './helpers.ts';

type Kind = 'threads' | 'processes';
const make = (kind: Kind, options: ParallelOptions) =>
  kind === 'threads' ? threadsExecutor(options) : processesExecutor(options);

const fixtures = new URL('./fixtures/parallel-tasks.ts', import.meta.url);
const oomRunner = fileURLToPath(new URL('./fixtures/oom-runner.ts', import.meta.url));
const quick = { initial: '1ms', jitter: false } as const;

/** Resolves with the first event that matches, past or future. */
function watch() {
  const events: RunEvent[] = [];
  const waiting: [(e: RunEvent) => boolean, (e: RunEvent) => void][] = [];
  return {
    events,
    onEvent: (event: RunEvent) => {
      events.push(event);
      for (const w of [...waiting]) {
        if (w[0](event)) {
          waiting.splice(waiting.indexOf(w), 1);
          w[1](event);
        }
      }
    },
    next<E extends RunEvent>(match: (e: RunEvent) => boolean): Promise<E> {
      const past = events.find(match);
      if (past) return Promise.resolve(past as E);
      return new Promise((resolve) => waiting.push([match, resolve as (e: RunEvent) => void]));
    },
  };
}

describe.each(['threads', 'processes'] as const)('%s executor', (kind) => {
  const open: AsyncDisposable[] = [];
  const executor = (options: ParallelOptions) => {
    const e = make(kind, { preload: [fixtures], killGrace: '100ms', ...options });
    open.push(e);
    return e;
  };
  afterEach(async () => {
    for (const e of open.splice(0)) await e[Symbol.asyncDispose]();
  });

  it('runs a tree of depth 5 whose tasks await their children, on 2 workers', async () => {
    const w = watch();
    const size = await run(() => submit(tree, 5), {
      executor: executor({ max: 2 }),
      onEvent: w.onEvent,
    });
    expect(size).toBe(63);
    const submitted = w.events.filter((e) => e.type === 'submitted');
    expect(submitted).toHaveLength(63);
    // Every task but the root was submitted by its parent, from a worker.
    expect(submitted.filter((e) => e.parentId >= 0)).toHaveLength(62);
  });

  it("attributes ctx.log, stdout and stderr to the task's attempt", async () => {
    const w = watch();
    const handle = startRun(() => submit(talk.with({ label: 'talker' })), {
      executor: executor({ max: 1 }),
      onEvent: w.onEvent,
    });
    expect(await handle.result()).toBe(1);
    const id = handle.taskId('talker');
    const logs = w.events
      .filter((e): e is LogEvent => e.type === 'log')
      .map(({ taskId, attempt, level, message, fields }) => ({
        taskId,
        attempt,
        level,
        message,
        fields,
      }));
    const of = (level: string, message: string, fields: unknown) => ({
      taskId: id,
      attempt: 1,
      level,
      message,
      fields,
    });
    expect(logs).toEqual([
      of('info', 'through ctx.log', { n: 1 }),
      of('info', 'through console.log', { stream: 'stdout' }),
      of('info', 'a line written in two parts', { stream: 'stdout' }),
      of('warn', 'through stderr', { stream: 'stderr' }),
      of('info', 'no newline at the end', { stream: 'stdout' }),
    ]);
  });

  it('fails only the tasks of a worker that exits; a retry runs on a fresh worker', async () => {
    const w = watch();
    const out = await run(
      async () => {
        const before = await submit(where);
        const after = await submit(dieOnce.with({ retries: 1, backoff: quick }), 'exit');
        return { before, after };
      },
      { executor: executor({ max: 1 }), onEvent: w.onEvent },
    );
    expect(out.after.attempt).toBe(2);
    expect([out.after.pid, out.after.threadId]).not.toEqual([out.before.pid, out.before.threadId]);
    const retrying = w.events.find((e) => e.type === 'retrying');
    expect(retrying).toMatchObject({ error: { code: 'WEFT_WORKER_DIED' } });
    expect(retrying?.type === 'retrying' && retrying.error.message).toContain('exited with code 3');
  });

  it('fails a task that runs its worker out of memory, and the run goes on', async () => {
    // In a process of its own: V8 may enforce a thread's heap limit by
    // aborting the whole process, which must not take the test runner down.
    const child = spawnSync(process.execPath, [oomRunner, kind], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (kind === 'threads' && child.signal === 'SIGABRT') {
      // V8 could not stop the thread alone: its own report says why, and no
      // hang or wrong error came from weft (processes contain this; see README).
      expect(child.stderr).toMatch(/heap out of memory|Reached heap limit/);
      return;
    }
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as {
      failures: { code: string; message: string }[];
      after: unknown;
    };
    expect(out.failures).toHaveLength(1);
    expect(out.failures[0]?.code).toBe('WEFT_WORKER_DIED');
    expect(out.failures[0]?.message).toContain('ran out of memory (limit 64 MB');
    expect(out.after).toBe('after');
  });

  it('stops and replaces a worker whose task ignores its signal', async () => {
    const futures: Record<string, Future> = {};
    const failed = (await rejection(
      run(
        async () => {
          const before = submit(where);
          futures.before = before;
          await before;
          futures.deaf = submit(deaf.with({ timeout: '30ms' }));
          await futures.deaf.then(undefined, () => undefined);
          futures.after = submit(where.with({ retries: 1, backoff: quick }));
        },
        { executor: executor({ max: 1 }), keepGoing: true },
      ),
    )) as RunFailedError;
    expect(failed.failures.map((f) => f.error.code)).toEqual(['WEFT_TIMEOUT']);
    const before = futures.before!.result() as { pid: number; threadId: number };
    const after = futures.after!.result() as { pid: number; threadId: number };
    expect([after.pid, after.threadId]).not.toEqual([before.pid, before.threadId]);
  });

  it('refuses to run on workers of another weft version', async () => {
    const e = executor({ max: 1, workerVersion: '0.0.0-other' });
    const failed = (await rejection(run(() => submit(echo, 1), { executor: e }))) as RunFailedError;
    expect(failed.failures[0]?.error).toMatchObject({
      code: 'WEFT_WORKER_MISMATCH',
      message: expect.stringContaining('weft 0.0.0-other'),
    });
    await expect(e.ready()).rejects.toMatchObject({ code: 'WEFT_WORKER_MISMATCH' });
  });

  it('refuses a task module whose file changed since the coordinator loaded it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-changed-'));
    try {
      const file = join(dir, 'changing.ts');
      const weft = new URL('../src/index.ts', import.meta.url).href;
      writeFileSync(
        file,
        `import { task } from '${weft}';\nexport const changing = task('fx.changing', async () => 1);\n`,
      );
      const { changing } = (await import(pathToFileURL(file).href)) as { changing: Task };
      const e = executor({ max: 1, preload: [] });
      e.check(changing, []); // the coordinator reads the module now
      writeFileSync(file, '// changed\n', { flag: 'a' });
      const failed = (await rejection(
        run(() => submit(changing), { executor: e }),
      )) as RunFailedError;
      expect(failed.failures[0]?.error).toMatchObject({
        code: 'WEFT_MODULE_CHANGED',
        message: expect.stringContaining('changing.ts has changed'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a task whose submit the coordinator refused when it never awaited it', async () => {
    const failed = (await rejection(
      run(() => submit(duplicateLabels), { executor: executor({ max: 1 }) }),
    )) as RunFailedError;
    expect(failed.failures.map((f) => [f.name, f.error.code])).toEqual([
      ['fx.duplicateLabels', 'WEFT_DUPLICATE_LABEL'],
    ]);
  });

  it("copies large binary results, leaving the task's own buffer intact", async () => {
    const out = await run(
      async () => {
        const buffer = await submit(bigResult);
        return { buffer, keptAfter: await submit(keptSize) };
      },
      { executor: executor({ max: 1 }) },
    );
    expect(out.buffer.byteLength).toBe(1 << 20);
    expect(out.buffer[12345]).toBe(7);
    // A module-level buffer the task returned is still whole in its worker.
    expect(out.keptAfter).toBe(1 << 20);
  });

  it('runs the workerSetup module in each worker, and disposes what it returned on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-setup-'));
    process.env.WEFT_TEST_SETUP_DIR = dir;
    try {
      const setup = new URL('./fixtures/parallel-setup.ts', import.meta.url);
      const e = make(kind, { max: 2, workerSetup: setup });
      await e.ready();
      expect(readdirSync(dir).sort()).toEqual(['started-1', 'started-2']);
      await e[Symbol.asyncDispose]();
      expect(readdirSync(dir).sort()).toEqual([
        'disposed-1',
        'disposed-2',
        'started-1',
        'started-2',
      ]);
    } finally {
      delete process.env.WEFT_TEST_SETUP_DIR;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('processes executor, a worker killed from outside', () => {
  it('fails its task saying so; the retry runs on a fresh worker and the run goes on', async () => {
    await using executor = processesExecutor({ max: 1, preload: [fixtures] });
    const w = watch();
    void w
      .next<LogEvent>((e) => e.type === 'log' && e.message === 'hanging')
      .then((e) => process.kill(e.fields!.pid as number, 'SIGKILL'));
    const out = await run(() => submit(dieOnce.with({ retries: 1, backoff: quick }), 'hang'), {
      executor,
      onEvent: w.onEvent,
    });
    const hanging = await w.next<LogEvent>((e) => e.type === 'log' && e.message === 'hanging');
    expect(out.attempt).toBe(2);
    expect(out.pid).not.toBe(hanging.fields!.pid);
    const retrying = w.events.find((e) => e.type === 'retrying');
    expect(retrying).toMatchObject({
      error: {
        code: 'WEFT_WORKER_DIED',
        message: expect.stringContaining('killed by signal SIGKILL'),
      },
    });
  });
});
