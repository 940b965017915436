/**
 * The slurm executor's batch submitter (`mode: 'delayed'`) against the
 * delayed-submission seam's conformance suite, on a real Slurm cluster: the
 * tasks run as jobs with afterok dependencies, and how each ended is read
 * the way `weft runs` reads it later, through the slurm follower.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchOutcome, SubmitsBatches } from '@weft/core/executor';
import { runBatchSubmitterContract } from '@weft/core/testing';
import { createSlurmExecutor, slurmFollower } from '@weft/slurm';
import { afterAll, describe, it } from 'vitest';
import { slurmSkip } from './cluster.ts';

const tmp = mkdtempSync(join(tmpdir(), 'weft-slurm-contract-'));

if (slurmSkip === undefined) {
  const executor = await createSlurmExecutor({ mode: 'delayed', dir: tmp });
  afterAll(async () => {
    await executor[Symbol.asyncDispose]();
    rmSync(tmp, { recursive: true, force: true });
  });
  runBatchSubmitterContract({
    name: 'slurm',
    create: (context) => (executor as unknown as SubmitsBatches).batchSubmitter(context),
    outcomes: async (_submitter, receipt, ids) => {
      const handed = { runId: 'contract', cwd: process.cwd(), record: receipt.record };
      for (;;) {
        const seen = await slurmFollower.observe(handed, ids);
        const ended = new Map<number, BatchOutcome>();
        for (const [id, o] of seen) {
          if (o.state === 'succeeded') ended.set(id, { state: 'succeeded', value: o.value });
          else if (o.state === 'failed') ended.set(id, { state: 'failed', error: o.error });
          else if (o.state === 'upstream_failed' || o.state === 'cancelled')
            ended.set(id, { state: o.state });
        }
        if (ended.size === ids.length) return ended;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    timeoutMs: 60_000,
  });
} else {
  describe('batch submitter contract: slurm', () => {
    it.skip(`skipped: ${slurmSkip}`, () => {});
  });
}
