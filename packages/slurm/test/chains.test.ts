/**
 * Delayed mode on a real Slurm cluster: a chain of tasks goes out as one
 * job that runs them in a row (whatever their ids), cut after a task with
 * another dependent; a failure inside the chain's job ends it, and the
 * follower says the tasks after it never ran; `fuseChains: false` gives
 * each task its own job.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@weft/core';
import type { BatchReceipt, PlannedTask, SubmitsBatches } from '@weft/core/executor';
import { createSlurmExecutor, type SlurmRecord, slurmFollower } from '@weft/slurm';
import { afterAll, describe, expect, it } from 'vitest';
import { slurmSkip } from './cluster.ts';
import { boom, square, sum } from './fixtures/tasks.ts';

const tmp = mkdtempSync(join(tmpdir(), 'weft-slurm-chains-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let runs = 0;

/** A task of the graph: `inputs` name the prerequisites whose values go at those argument indices. */
function planned(
  id: number,
  task: PlannedTask['task'],
  args: unknown[],
  inputs: { at: number; id: number }[] = [],
): PlannedTask {
  return {
    id,
    prerequisites: inputs.map((i) => i.id),
    task,
    args,
    inputs: inputs.map((i) => ({ path: [i.at], id: i.id })),
    label: undefined,
  };
}

/** Hands `tasks` to a delayed-mode submitter; the receipt's record. */
async function submit(tasks: PlannedTask[], fuseChains = true): Promise<SlurmRecord> {
  const executor = await createSlurmExecutor({ mode: 'delayed', dir: tmp, fuseChains });
  try {
    const submitter = await (executor as unknown as SubmitsBatches).batchSubmitter({
      runId: `chains-${++runs}`,
      cwd: process.cwd(),
      resourceSource: undefined,
      log: silentLogger,
    });
    for (const t of tasks) await submitter.add(t);
    const receipt: BatchReceipt = await submitter.complete();
    return receipt.record as unknown as SlurmRecord;
  } finally {
    await executor[Symbol.asyncDispose]();
  }
}

/** Follows the run until every task ended; each task's state (and value). */
async function ended(record: SlurmRecord): Promise<Record<number, unknown>> {
  const ids = Object.keys(record.jobs).map(Number);
  const handed = { runId: 'chains', cwd: process.cwd(), record: { ...record } };
  for (;;) {
    const seen = await slurmFollower.observe(handed, ids);
    const out: Record<number, unknown> = {};
    for (const [id, o] of seen) {
      if (o.state === 'succeeded') out[id] = o.value;
      else if (o.state !== 'pending' && o.state !== 'running') out[id] = o.state;
    }
    if (Object.keys(out).length === ids.length) return out;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(slurmSkip !== undefined)('delayed mode: chains as one job', () => {
  it('runs a chain in one job, in its order whatever the ids, cut where a task has another dependent', async () => {
    // 5 -> 3 -> {7, 8}: 3 has two dependents, so the chain is 5, 3 and they go out apart.
    const record = await submit([
      planned(5, square, [2]),
      planned(3, square, [null], [{ at: 0, id: 5 }]),
      planned(7, sum, [null, 1], [{ at: 0, id: 3 }]),
      planned(8, sum, [null, 2], [{ at: 0, id: 3 }]),
    ]);
    expect(record.chains).toEqual([[5, 3]]);
    expect(record.jobs['5']).toBe(record.jobs['3']);
    expect(record.jobs['7']).not.toBe(record.jobs['3']);
    const script = readFileSync(join(record.dir, 'jobs', '5.sh'), 'utf8');
    expect(script).toMatch(/ exec '[^']+' '5' '3' --root /);
    expect(await ended(record)).toEqual({ 5: 4, 3: 16, 7: 17, 8: 18 });
  });

  it('ends the job at a failed task: the tasks after it in the chain never run', async () => {
    const record = await submit([
      planned(0, square, [3]),
      planned(2, boom, ['on purpose', null], [{ at: 1, id: 0 }]),
      planned(1, square, [null], [{ at: 0, id: 2 }]),
      planned(4, square, [null], [{ at: 0, id: 1 }]),
    ]);
    expect(record.chains).toEqual([[0, 2, 1, 4]]);
    expect(await ended(record)).toEqual({
      0: 9,
      2: 'failed',
      1: 'upstream_failed',
      4: 'upstream_failed',
    });
  });

  it('gives each task its own job with fuseChains: false', async () => {
    const record = await submit(
      [planned(0, square, [3]), planned(1, square, [null], [{ at: 0, id: 0 }])],
      false,
    );
    expect(record.chains).toBeUndefined();
    expect(record.jobs['0']).not.toBe(record.jobs['1']);
    expect(await ended(record)).toEqual({ 0: 9, 1: 81 });
  });

  it('refuses a fuseChains that is not true or false', async () => {
    const fuseChains = 'yes' as unknown as boolean;
    await expect(createSlurmExecutor({ mode: 'delayed', fuseChains })).rejects.toThrow(
      'slurm executor: fuseChains must be true or false, not "yes"',
    );
  });
});
