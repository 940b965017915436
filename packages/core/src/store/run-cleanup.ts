/**
 * @module
 * What both run stores share of their upkeep (`clearCache`, `deleteRuns`,
 * `artifactHashes`): the checks of their options, so that both refuse the
 * same bad input with the same message, and which runs `deleteRuns` takes.
 */
import { describeValue } from '../errors/base.ts';
import { RunStoreInputError } from '../errors/store.ts';
import type {
  ArtifactHashesOptions,
  ClearCacheOptions,
  DeleteRunsOptions,
  RunState,
} from './run-store.ts';

function time(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new RunStoreInputError(
      `${name} must be a time in milliseconds since the epoch, not ${describeValue(value)}`,
    );
  }
  return value;
}

/** The `before` of `clearCache`: a time, or undefined for every run. */
export function checkClearCache(options: ClearCacheOptions | undefined): number | undefined {
  const before = options?.before;
  return before === undefined ? undefined : time('before', before);
}

/** The options of `deleteRuns`: `endedBefore` a time (Infinity: every run that ended). */
export function checkDeleteRuns(options: DeleteRunsOptions): {
  endedBefore: number;
  dryRun: boolean;
} {
  if (typeof options !== 'object' || options === null) {
    throw new RunStoreInputError(
      `deleteRuns needs { endedBefore } (a time in milliseconds), not ${describeValue(options)}`,
    );
  }
  return { endedBefore: time('endedBefore', options.endedBefore), dryRun: options.dryRun === true };
}

/** The runs `artifactHashes` leaves out. */
export function checkExceptRuns(options: ArtifactHashesOptions | undefined): ReadonlySet<string> {
  const except = options?.exceptRuns ?? [];
  if (!Array.isArray(except) || except.some((id) => typeof id !== 'string')) {
    throw new RunStoreInputError(
      `exceptRuns must be an array of run ids, not ${describeValue(except)}`,
    );
  }
  return new Set(except);
}

/**
 * When a run ended for `deleteRuns`, from its state as read: its end, or
 * for an interrupted run its last activity; undefined for a running run
 * (and for a run that says it ended but has no end time, which only a
 * damaged record can be), which is never deleted.
 */
export function endOf(
  state: RunState,
  endedAt: number | undefined,
  lastActiveAt: number,
): number | undefined {
  if (state === 'running') return undefined;
  return state === 'interrupted' ? lastActiveAt : endedAt;
}
