/**
 * @module
 * Following a delayed run after `weft submit` exited: a batch system's
 * follower (registered by its plugin under the submitter's name) says how
 * each unfinished task stands, and this records what changed in the run's
 * latest session (`RunStore.continueRun`): `started` with where it runs,
 * then its end, with its result and what it logged; the run's own end once
 * every task ended. `weft runs`, `show`, `logs`, `cancel` and `resume` bring
 * a delayed run up to date this way before they read it.
 *
 * A follower's contract: `observe` reads the batch system's account once
 * for all the tasks it is asked about (one query, never one per task) and
 * says what it knows of each; a task it cannot account for (the batch
 * system forgot it and it left no result) is `failed` with an error that
 * says so. `cancel` withdraws what of the run is still queued or running.
 */
import type { SerializedError } from '../../errors/base.ts';
import type { RunEvent } from '../../events/events.ts';
import { fillInputs } from '../../executor/batch/inputs.ts';
import type { PlannedInput } from '../../executor/batch-submitter.ts';
import type { ArtifactStore } from '../../store/artifact-store.ts';
import { decodeResult, encodeResult, INLINE_LIMIT, MISSING } from '../../store/result-codec.ts';
import type { RunRecord, RunStore, StoredResult, TaskRecord } from '../../store/run-store.ts';
import { processGlobal } from '../../util/process-global.ts';
import { isTerminal, STATE_NAMES } from '../../vocabulary/state.ts';
import type { TaskLogRecord } from '../../worker/run-dir.ts';
import { withFollowLock } from './follow-lock.ts';

/** A run handed to a batch system, as its follower sees it. */
export interface HandedRun {
  readonly runId: string;
  /** The working directory the run was submitted from. */
  readonly cwd: string;
  /** The submitter's receipt (`BatchReceipt.record`), as recorded. */
  readonly record: Readonly<Record<string, unknown>>;
}

interface Ran {
  /** Where it runs or ran (`slurm job 42 on node7`). */
  readonly worker?: string;
  readonly startedAt?: number;
  readonly attempt?: number;
}

/** What the batch system says of one task. */
export type TaskObservation =
  | { readonly state: 'pending' }
  | ({ readonly state: 'running' } & Ran)
  | ({
      readonly state: 'succeeded';
      readonly value: unknown;
      readonly logs?: readonly TaskLogRecord[];
    } & Ran)
  | ({
      readonly state: 'failed';
      readonly error: SerializedError;
      readonly logs?: readonly TaskLogRecord[];
    } & Ran)
  /** It did not run because a prerequisite did not succeed. */
  | { readonly state: 'upstream_failed' }
  | { readonly state: 'cancelled'; readonly reason: string };

/** A batch system's side of following its delayed runs; see the module's contract. */
export interface BatchFollower {
  observe(run: HandedRun, ids: readonly number[]): Promise<ReadonlyMap<number, TaskObservation>>;
  cancel(run: HandedRun, ids: readonly number[], reason: string): Promise<void>;
}

const followers = processGlobal('weft.batchFollowers', () => new Map<string, BatchFollower>());

/** Makes `follower` follow the runs handed to the batch submitter named `name` (for plugins). */
export function registerBatchFollower(name: string, follower: BatchFollower): void {
  followers.set(name, follower);
}

/** The batch system a run was handed to (`executorConfig.batch`), if it was. */
export function handedTo(run: RunRecord): string | undefined {
  const config = run.executorConfig as { batch?: unknown } | undefined;
  return typeof config === 'object' && config !== null && typeof config.batch === 'string'
    ? config.batch
    : undefined;
}

/** The follower of the batch system `name`, if its plugin is loaded. */
export function batchFollower(name: string): BatchFollower | undefined {
  return followers.get(name);
}

const ALL = Number.MAX_SAFE_INTEGER;

/** The run as its follower sees it: the receipt is its latest session's log record. */
export function handedRun(store: RunStore, run: RunRecord): HandedRun | undefined {
  const logs = store.logs(run.id, { taskId: -1, limit: ALL });
  for (let i = logs.length - 1; i >= 0; i--) {
    const batch = logs[i]!.fields?.batch;
    if (typeof batch === 'object' && batch !== null) {
      return { runId: run.id, cwd: run.cwd, record: batch as Record<string, unknown> };
    }
  }
  return undefined;
}

/**
 * Brings a running delayed run's record up to date from its batch system;
 * resolves with the run as recorded then. Does nothing for other runs, or
 * while another process is doing it.
 */
export async function followBatchRun(
  store: RunStore,
  runId: string,
  artifacts: ArtifactStore | undefined,
): Promise<RunRecord | undefined> {
  const run = store.run(runId);
  if (run === undefined || run.state !== 'running') return run;
  const name = handedTo(run);
  const follower = name === undefined ? undefined : followers.get(name);
  const handed = follower === undefined ? undefined : handedRun(store, run);
  if (follower === undefined || handed === undefined) return run;
  await withFollowLock(store.location, runId, async () => {
    const open = unfinished(store, runId);
    const seen =
      open.length === 0
        ? new Map()
        : await follower.observe(
            handed,
            open.map((t) => t.id),
          );
    await record(store, run, open, seen, artifacts);
  });
  return store.run(runId);
}

/** Cancels a running delayed run: its work withdrawn, its unfinished tasks and itself `cancelled`. */
export async function cancelBatchRun(
  store: RunStore,
  runId: string,
  reason: string,
  artifacts: ArtifactStore | undefined,
): Promise<boolean> {
  const run = store.run(runId);
  const name = run === undefined ? undefined : handedTo(run);
  const follower = name === undefined ? undefined : followers.get(name);
  const handed = follower === undefined || run === undefined ? undefined : handedRun(store, run);
  if (run === undefined || follower === undefined || handed === undefined) return false;
  await withFollowLock(store.location, runId, async () => {
    const open = unfinished(store, runId);
    const ids = open.map((t) => t.id);
    await follower.cancel(handed, ids, reason);
    const seen = new Map(await follower.observe(handed, ids));
    // What had not ended is cancelled; what had not started while a task it
    // needs had not succeeded never could have: upstream_failed.
    const ok = new Set<number>();
    for (const t of store.tasks(runId, { session: 'latest', limit: ALL })) {
      if (t.state === 'succeeded' || t.state === 'cached') ok.add(t.id);
    }
    for (const [id, o] of seen) if (o.state === 'succeeded') ok.add(id);
    for (const t of open) {
      const o = seen.get(t.id);
      if (o === undefined || o.state === 'pending') {
        const blocked = t.deps.some((d) => !ok.has(d));
        seen.set(t.id, blocked ? { state: 'upstream_failed' } : { state: 'cancelled', reason });
      } else if (o.state === 'running') seen.set(t.id, { state: 'cancelled', reason });
    }
    await record(store, run, open, seen, artifacts, 'cancelled');
  });
  return true;
}

function unfinished(store: RunStore, runId: string): TaskRecord[] {
  return store
    .tasks(runId, { session: 'latest', limit: ALL })
    .filter((t) => !isTerminal(STATE_NAMES.indexOf(t.state)));
}

async function record(
  store: RunStore,
  run: RunRecord,
  open: readonly TaskRecord[],
  seen: ReadonlyMap<number, TaskObservation>,
  artifacts: ArtifactStore | undefined,
  ending?: 'cancelled',
): Promise<void> {
  const writer = store.continueRun(run.id);
  const now = Date.now();
  const states = new Map<number, string>();
  for (const t of store.tasks(run.id, { session: 'latest', limit: ALL })) states.set(t.id, t.state);
  let left = 0;
  for (const t of open) {
    const o = seen.get(t.id) ?? { state: 'pending' };
    const base = { runId: run.id, taskId: t.id, name: t.name, label: t.label, time: now };
    const ran = o as Ran;
    const attempt = ran.attempt ?? Math.max(1, t.attempts);
    const emit = (e: RunEvent): void => writer.event(e);
    if (o.state === 'pending') {
      left++;
      continue;
    }
    if (
      (o.state === 'running' || o.state === 'succeeded' || o.state === 'failed') &&
      t.state !== 'running'
    ) {
      emit({
        ...base,
        attempt,
        type: 'started',
        time: ran.startedAt ?? now,
        ...(ran.worker === undefined ? {} : { worker: ran.worker }),
      });
    }
    if (o.state === 'running') {
      left++;
      continue;
    }
    if (o.state === 'succeeded' || o.state === 'failed') {
      for (const l of o.logs ?? []) {
        emit({ type: 'log', runId: run.id, taskId: t.id, attempt, ...l });
      }
    }
    if (o.state === 'succeeded') {
      writer.result(t.id, await storedResult(o.value, artifacts), undefined);
      emit({ ...base, attempt, type: 'succeeded' });
    } else if (o.state === 'failed') emit({ ...base, attempt, type: 'failed', error: o.error });
    else if (o.state === 'cancelled')
      emit({ ...base, attempt: t.attempts, type: 'cancelled', reason: o.reason });
    else {
      const upstream = t.deps.find((d) => {
        const s = states.get(d) ?? seen.get(d)?.state;
        return s === 'failed' || s === 'upstream_failed' || s === 'cancelled';
      });
      emit({
        ...base,
        attempt: 0,
        type: 'upstream_failed',
        upstreamId: upstream ?? t.deps[0] ?? -1,
      });
    }
    states.set(t.id, o.state);
  }
  if (left > 0) {
    await writer.release();
    return;
  }
  const all = [...states.values()];
  const state =
    ending ??
    (all.some((s) => s === 'failed' || s === 'upstream_failed')
      ? 'failed'
      : all.some((s) => s === 'cancelled')
        ? 'cancelled'
        : 'succeeded');
  writer.event({ type: 'run_finished', runId: run.id, state, time: Date.now() });
  await writer.flush();
  const result = state === 'succeeded' ? runResult(store, run, artifacts) : undefined;
  await writer.close(
    state,
    result === undefined ? undefined : await storedResult(result.value, artifacts),
  );
}

/** The run's result: what main returned, its tasks' values filled in; undefined when not recorded. */
function runResult(
  store: RunStore,
  run: RunRecord,
  artifacts: ArtifactStore | undefined,
): { readonly value: unknown } | undefined {
  const logs = store.logs(run.id, { taskId: -1, limit: ALL });
  const template = logs.findLast((l) => l.fields?.batch !== undefined)?.fields?.result as
    | { args: unknown[]; inputs: PlannedInput[] }
    | undefined;
  if (template === undefined) return undefined;
  let missing = false;
  const [value] = fillInputs(template.args, template.inputs, (id) => {
    const stored = store.result(run.id, id);
    const v = stored === undefined ? MISSING : decodeResult(stored, artifacts);
    if (v === MISSING) missing = true;
    return v;
  });
  return missing ? undefined : { value };
}

/** A value as the run store keeps it: inline, or as an artifact when it is large. */
export async function storedResult(
  value: unknown,
  artifacts: ArtifactStore | undefined,
): Promise<StoredResult | undefined> {
  const bytes = encodeResult(value);
  if (bytes === undefined) return undefined;
  if (bytes.length <= INLINE_LIMIT || artifacts === undefined)
    return { kind: 'inline', bytes: bytes.slice() };
  return { kind: 'artifact', hash: await artifacts.put(bytes.slice()), size: bytes.length };
}
