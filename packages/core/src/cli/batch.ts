/**
 * @module
 * The reading commands' side of delayed runs (runs handed to a batch system
 * by `weft submit`): before they read such a run, its record is brought up
 * to date from the batch system through the follower its plugin
 * registered; `weft cancel` withdraws its jobs; `weft resume` submits again
 * what did not succeed.
 */
import { dirname, join } from 'node:path';
import {
  batchFollower,
  cancelBatchRun,
  followBatchRun,
  handedTo,
} from '../coordinator/delayed/follow.ts';

export { handedTo } from '../coordinator/delayed/follow.ts';

import type { ArtifactStore } from '../store/artifact-store.ts';
import { openFsArtifactStore } from '../store/fs-artifact-store.ts';
import type { RunRecord, RunStore } from '../store/run-store.ts';
import { err } from './format.ts';

/** The artifact store beside a SQLite store (results too large for it), if the store is one. */
export function artifactsBeside(opened: {
  readonly file: string | undefined;
}): ArtifactStore | undefined {
  return opened.file === undefined
    ? undefined
    : openFsArtifactStore(join(dirname(opened.file), 'artifacts'));
}

/** What these functions use of an opened store (`OpenStore` of store.ts, which imports this module). */
export interface OpenedStore {
  readonly store: RunStore;
  /** The SQLite file, when the store is one. */
  readonly file: string | undefined;
  /** Lets go of the store (it may stay open a moment for another user in this process). */
  release(): Promise<void>;
}

/** True for a run handed to a batch system that has not ended yet. */
export function isHanded(run: RunRecord): boolean {
  return run.state === 'running' && handedTo(run) !== undefined;
}

/** `run` brought up to date from its batch system when it is a delayed run still running. */
export async function followed(opened: OpenedStore, run: RunRecord): Promise<RunRecord> {
  if (!isHanded(run)) return run;
  const name = handedTo(run)!;
  if (batchFollower(name) === undefined) {
    err(
      `note: run ${run.id} was handed to ${name}; its plugin is not loaded here, so its tasks' states are as submitted (declare the plugin's package in package.json)\n`,
    );
    return run;
  }
  return (await followBatchRun(opened.store, run.id, artifactsBeside(opened))) ?? run;
}

/** Cancels a delayed run's jobs and records it cancelled; false when it is not one. */
export async function cancelHanded(
  opened: OpenedStore,
  run: RunRecord,
  reason: string,
): Promise<boolean> {
  if (!isHanded(run)) return false;
  const name = handedTo(run)!;
  if (batchFollower(name) === undefined) {
    err(
      `run ${run.id} was handed to ${name}, whose plugin is not loaded here: cannot cancel its jobs\n`,
    );
    return true;
  }
  await cancelBatchRun(opened.store, run.id, reason, artifactsBeside(opened));
  return true;
}

/**
 * `weft resume` of a delayed run: once the batch system has nothing of it
 * left (every task ended), submits again, as a new session of the run,
 * what did not succeed and what depends on it; what succeeded keeps its
 * result. Resolves with the exit code.
 */
export async function resumeHanded(
  opened: OpenedStore,
  recorded: RunRecord,
  main: () => unknown,
  workflow: string,
): Promise<number> {
  const run = await followed(opened, recorded);
  const { isTerminal, STATE_NAMES } = await import('../vocabulary/state.ts');
  const left = opened.store
    .tasks(run.id, { session: 'latest', limit: Number.MAX_SAFE_INTEGER })
    .filter((t) => !isTerminal(STATE_NAMES.indexOf(t.state)));
  if (left.length > 0) {
    const { UsageError } = await import('../errors/usage.ts');
    const some = left
      .slice(0, 3)
      .map((t) => `${t.name}#${t.id} ${t.state}`)
      .join(', ');
    throw new UsageError(
      `run ${run.id} still has ${left.length} task${left.length === 1 ? '' : 's'} with its batch system (${some}${left.length > 3 ? ', ...' : ''}): ` +
        `wait until they end, or weft cancel ${run.id} first`,
    );
  }
  if (run.state === 'succeeded') {
    err(`run ${run.id} succeeded: nothing to resume\n`);
    return 0;
  }
  const { submitGraph } = await import('../coordinator/delayed/submit-graph.ts');
  const file = opened.file;
  await opened.release();
  const done = await submitGraph(main, {
    cwd: run.cwd,
    ...(file === undefined ? {} : { store: file }),
    workflow,
    params: { ...(run.params ?? {}) },
    ...(run.mode === undefined ? {} : { mode: run.mode }),
    executor: run.executorConfig as { kind: string },
    resume: run.id,
  });
  err(`weft resume ${run.id} · session ${run.sessions + 1}\n`);
  process.stdout.write(
    `${done.receipt?.summary ?? 'nothing to submit'} (${done.cached} tasks kept from the earlier session)\n` +
      `follow it with: weft show ${run.id}\n`,
  );
  return 0;
}
