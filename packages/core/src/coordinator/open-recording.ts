/**
 * @module
 * Opening a run's record: for a resume, first waiting until nothing of the
 * earlier session lives (`orphans.ts`), then the recording with what the
 * run records of itself (its workflow, mode, params, and how its executor
 * was chosen, for resume and rerun).
 */
import { hostname } from 'node:os';
import type { RunStarted } from '../events/events.ts';
import type { ArtifactStore } from '../store/artifact-store.ts';
import type { RunStore } from '../store/run-store.ts';
import { awaitOrphans, processAlive } from './orphans.ts';
import { RunRecording } from './recording.ts';
import type { CompiledRunOptions } from './run-options.ts';

export interface OpenRecordingOptions {
  readonly store: RunStore;
  readonly artifacts: ArtifactStore | undefined;
  readonly runId: string;
  readonly mode: string | undefined;
  /** The executor's name. */
  readonly executor: string;
  readonly started: RunStarted;
  readonly options: CompiledRunOptions;
}

/** Opens the run's record; for a resume, once nothing of the earlier session lives. */
export async function openRecording(o: OpenRecordingOptions): Promise<RunRecording> {
  const run = o.options;
  if (run.resume !== undefined) await noOrphans(o.store, run.resume);
  return new RunRecording({
    store: o.store,
    artifacts: o.artifacts,
    runId: o.runId,
    workflow: run.workflow,
    mode: o.mode,
    executor: o.executor,
    params: run.params,
    cwd: run.cwd,
    cache: run.cache,
    resume: run.resume !== undefined,
    reuseFrom: run.reuseFrom,
    started: o.started,
    executorConfig: recordableChoice(run.executor),
  });
}

/** Waits until no process of the resumed run's earlier session lives (same host only). */
async function noOrphans(store: RunStore, runId: string): Promise<void> {
  const earlier = store.run(runId);
  if (earlier === undefined || earlier.host !== hostname() || earlier.pid === process.pid) return;
  if (processAlive(earlier.pid)) return; // the run itself is alive: the recording refuses it
  await awaitOrphans(runId, `${earlier.host}:${earlier.pid}`);
}

/**
 * How the executor was chosen, as the run records it for resume and rerun:
 * a kind, or a kind with options that are plain data; undefined for an
 * executor or definition given as an object, which cannot be recorded.
 */
export function recordableChoice(choice: CompiledRunOptions['executor']): unknown {
  if (typeof choice === 'string') return choice;
  if (typeof choice !== 'object' || choice === null || !('kind' in choice)) return undefined;
  if (typeof (choice as { kind: unknown }).kind !== 'string') return undefined;
  try {
    const copy = JSON.parse(JSON.stringify(choice)) as unknown;
    return JSON.stringify(copy) === JSON.stringify(choice) ? copy : undefined;
  } catch {
    return undefined;
  }
}
