import { createLogger, type LogRecord, run, submit, task } from '@weft/core';
import { describe, expect, it } from 'vitest';
import { recorder } from './helpers.ts';

describe('TaskContext', () => {
  it('carries runId, taskId, name, label and a 1-based attempt', async () => {
    const seen: unknown[] = [];
    const inspect = task('inspect', async (ctx) => {
      seen.push({
        runId: ctx.runId,
        taskId: ctx.taskId,
        name: ctx.name,
        label: ctx.label,
        attempt: ctx.attempt,
        signal: ctx.signal instanceof AbortSignal,
      });
    });
    const ids = await run(
      async () => {
        const a = submit(inspect);
        const b = submit(inspect.with({ label: 'second' }));
        return [a.id, b.id];
      },
      { runId: 'ctx-run' },
    );
    expect(seen).toEqual([
      {
        runId: 'ctx-run',
        taskId: ids[0],
        name: 'inspect',
        label: undefined,
        attempt: 1,
        signal: true,
      },
      {
        runId: 'ctx-run',
        taskId: ids[1],
        name: 'inspect',
        label: 'second',
        attempt: 1,
        signal: true,
      },
    ]);
  });

  it('ctx.log emits log events attributed to the task and attempt, and feeds options.logger', async () => {
    const records: LogRecord[] = [];
    const logger = createLogger((r) => records.push(r));
    const chatty = task('chatty', async (ctx) => {
      ctx.log.info('hello', { n: 1 });
      if (ctx.attempt === 1) {
        ctx.log.child({ phase: 'load' }).warn('retrying soon');
        throw new Error('first attempt fails');
      }
      ctx.log.error('second attempt');
    });
    const rec = recorder();
    const id = await run(
      async () => submit(chatty.with({ label: 'talk', retries: 1, backoff: { initial: 0 } })).id,
      { runId: 'log-run', logger, onEvent: rec.onEvent },
    );
    const logs = rec.events.filter((e) => e.type === 'log');
    expect(logs.map((e) => [e.taskId, e.attempt, e.level, e.message, e.fields])).toEqual([
      [id, 1, 'info', 'hello', { n: 1 }],
      [id, 1, 'warn', 'retrying soon', { phase: 'load' }],
      [id, 2, 'info', 'hello', { n: 1 }],
      [id, 2, 'error', 'second attempt', undefined],
    ]);
    for (const e of logs) expect(e.runId).toBe('log-run');
    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['info', 'hello'],
      ['warn', 'retrying soon'],
      ['info', 'hello'],
      ['error', 'second attempt'],
    ]);
    expect(records[1]!.fields).toMatchObject({
      phase: 'load',
      runId: 'log-run',
      taskId: id,
      attempt: 1,
      task: `chatty#${id} "talk"`,
    });
    expect(records[2]!.fields).toMatchObject({ n: 1, attempt: 2 });
  });
});
