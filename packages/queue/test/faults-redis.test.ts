/**
 * Faults of Redis and of the coordinator, with real `weft worker` processes
 * and `weft run` / `weft resume`: Redis restarted mid-run with nothing
 * persisted, and the coordinator killed and its run resumed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { Signer } from '../src/common/secret.js';
import { type UpBatch, Wire } from '../src/common/wire.js';
import { startsOf, TASKS, workflow } from './fixtures.ts';
import {
  cleanup,
  env,
  events,
  lines,
  project,
  SECRET,
  startRedis,
  startWorker,
  TIMEOUT,
  waitFor,
  weft,
} from './harness.ts';

afterAll(cleanup, 30_000);

type Event = ReturnType<typeof events>[number];

/** How many `succeeded` events each task has. */
function successes(evs: readonly Event[]): Map<unknown, number> {
  const n = new Map<unknown, number>();
  for (const e of evs) if (e.type === 'succeeded') n.set(e.taskId, (n.get(e.taskId) ?? 0) + 1);
  return n;
}

describe('Redis restarted mid-run, nothing persisted', () => {
  it(
    'the coordinator enqueues again what it handed out; no task succeeds twice',
    async () => {
      const redis = startRedis();
      const ids = ['block-0', 'block-1', 'q-0', 'q-1'];
      const dir = project({ 'tasks.ts': TASKS, 'wf.ts': workflow(ids) });
      await startWorker(dir, redis, ['--concurrency', '2']);
      await startWorker(dir, redis, ['--concurrency', '2']);
      const run = weft(['run', 'wf.ts', '--executor', 'queue', '--json'], dir, env(redis));
      const started = join(dir, 'started.txt');
      const starts = (id: string) => startsOf(lines(started), id).length;
      await waitFor(
        () => starts('block-0') > 0 && starts('block-1') > 0,
        'the blocking tasks to start',
      );
      redis.restart();
      // The jobs were lost with Redis: the coordinator enqueues them again and they start again.
      await waitFor(
        () => starts('block-0') > 1 && starts('block-1') > 1,
        'the blocking tasks to be enqueued again and to start again',
      );
      writeFileSync(join(dir, 'go'), '');
      const done = await run.exited;
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      const evs = events(done.stdout);
      const submitted = evs.filter((e) => e.type === 'submitted');
      expect(submitted).toHaveLength(ids.length + 1);
      const n = successes(evs);
      for (const e of submitted) expect(n.get(e.taskId), `task ${String(e.taskId)}`).toBe(1);
      const warned = evs.filter(
        (e) => e.type === 'log' && String(e.message).includes('Redis lost its data'),
      );
      expect(warned.length).toBeGreaterThanOrEqual(2);
      // The run store agrees: every task succeeded once, in one attempt.
      const id = String(submitted[0]!.runId);
      const shown = JSON.parse((await weft(['show', id, '--json'], dir, env(redis)).exited).stdout);
      expect(
        shown.tasks.map((t: { state: string; attempts: number }) => [t.state, t.attempts]),
      ).toEqual(Array(ids.length + 1).fill(['succeeded', 1]));
    },
    TIMEOUT,
  );
});

describe('the coordinator killed, then weft resume', () => {
  it(
    "runs what was unfinished; the dead session's jobs never reach the new one",
    async () => {
      const redis = startRedis();
      const ids = ['block-0', 'block-1', 'q-0', 'q-1'];
      const dir = project({ 'tasks.ts': TASKS, 'wf.ts': workflow(ids) });
      const worker = await startWorker(dir, redis, ['--concurrency', '4']);
      const first = weft(['run', 'wf.ts', '--executor', 'queue', '--json'], dir, env(redis));
      const started = join(dir, 'started.txt');
      const starts = (id: string) => startsOf(lines(started), id).length;
      await waitFor(
        () =>
          starts('block-0') > 0 && starts('block-1') > 0 && starts('q-0') > 0 && starts('q-1') > 0,
        'the first tasks to start',
      );
      await waitFor(() => events(first.out.stdout).length > 0, 'the run to start');
      const runId = String(events(first.out.stdout)[0]!.runId);
      const recorded = async () => {
        const shown = await weft(['show', runId, '--json'], dir, env(redis)).exited;
        if (shown.code !== 0) return 0;
        return (JSON.parse(shown.stdout).tasks as { state: string }[]).filter(
          (t) => t.state === 'succeeded',
        ).length;
      };
      // Killed once the store holds the quick tasks' successes (a kill loses the last batch of writes).
      await waitFor(async () => (await recorded()) === 2, 'the quick tasks to be recorded');
      first.child.kill('SIGKILL');
      await first.exited;

      const resumed = weft(['resume', runId, '--json'], dir, env(redis));
      // The worker sees the session is over and stops its tasks; the resumed run runs them anew.
      await waitFor(
        () =>
          worker.out.stderr.includes('is gone') && starts('block-0') > 1 && starts('block-1') > 1,
        'the resumed session to run the blocking tasks again',
      );
      writeFileSync(join(dir, 'go'), '');
      const done = await resumed.exited;
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      const evs = events(done.stdout);
      // The new session: the quick tasks are taken from the record, the blocking ones and 'after' run once.
      expect(evs.filter((e) => e.type === 'cached')).toHaveLength(2);
      const n = successes(evs);
      expect([...n.values()]).toEqual([1, 1, 1]);
      expect(worker.out.stderr).toMatch(
        /coordinator session \S+ is gone .*: stopping its 2 task\(s\)/,
      );
      // The dead session's tasks ended too (they ignore their signal): they reported success to its
      // inbox, which no one reads, and nowhere else.
      const wire = new Wire(new Signer(SECRET), undefined, 1 << 20);
      const probe = new Redis(redis.port, '127.0.0.1');
      try {
        const reported = async () => {
          const inboxes = await probe.keys('weft:weft:session:*:in');
          if (inboxes.length !== 1) return 0;
          const items = await probe.lrangeBuffer(inboxes[0]!, 0, -1);
          const batches = items.map(
            (b) => wire.open<UpBatch>('to-coordinator', b, 'test') as { value: UpBatch },
          );
          return batches.flatMap((b) => b.value.m).filter((m) => m.t === 'done' && m.ok).length;
        };
        await waitFor(
          async () => (await reported()) === 2,
          "the dead session's tasks to report to its inbox",
        );
      } finally {
        probe.disconnect();
      }
      const shown = JSON.parse(
        (await weft(['show', runId, '--json'], dir, env(redis)).exited).stdout,
      );
      expect(shown.run.state).toBe('succeeded');
      expect(shown.tasks.map((t: { state: string }) => t.state).sort()).toEqual([
        'cached',
        'cached',
        'succeeded',
        'succeeded',
        'succeeded',
      ]);
    },
    TIMEOUT,
  );
});
