/**
 * @module
 * Following the jobs of a run: every poll interval, the result files of the
 * jobs not done yet (one listing of each run's results directory, then
 * only the files written), then one `squeue` for those still without a
 * result (never one call per job). A result file ends its task (value or error);
 * Slurm's state says when a job started (and where), and how a job that
 * left no result ended: killed (time limit, memory, node), cancelled, or
 * lost. A job that ended without a result is given a few polls for its
 * file to appear (a shared filesystem may show it late).
 */
import { readdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ResultFile } from '@weft/core/worker';
import { readResultFile, resultFilePath } from '@weft/core/worker';
import { SlurmJobKilledError, SlurmJobLostError } from './errors.ts';
import { baseId, type JobState, phaseOf, queryJobs } from './squeue.ts';

/** A job being followed. */
export interface Watched {
  readonly dir: string;
  readonly key: string;
  /** The job's id (`id`, or `id_index` in an array). */
  readonly job: string;
  /** For messages: `align#3`. */
  readonly what: string;
  /** Called once, when Slurm says the job runs (or its result came first). */
  placed(where: string): void;
  /** The job's result file. */
  done(result: ResultFile): void;
  /** The job ended without a result: killed, cancelled by someone, lost. */
  failed(error: Error): void;
}

interface Entry {
  readonly w: Watched;
  placed: boolean;
  /** Polls since the job ended without a result. */
  late: number;
  /** A result saying the job was told to stop: Slurm's state says why (a time limit?). */
  stopped?: ResultFile;
}

/** The code of core's JobTerminatedError: weft exec got SIGTERM before its task ended. */
export const TERMINATED = 'WEFT_JOB_TERMINATED';

/** True for a result file saying its job was told to stop (SIGTERM) before the task ended. */
export function terminated(result: ResultFile): boolean {
  return !result.ok && (result.error as { code?: string }).code === TERMINATED;
}

/**
 * The result files written so far, one directory listing per run directory
 * and poll: a wide fan-out's jobs mostly have none yet, and a listing costs
 * less than trying to open each of them.
 */
class ResultListing {
  readonly #names = new Map<string, ReadonlySet<string>>();

  has(dir: string, key: string): boolean {
    const path = resultFilePath(dir, key);
    const parent = dirname(path);
    let names = this.#names.get(parent);
    if (names === undefined) {
      try {
        names = new Set(readdirSync(parent));
      } catch {
        names = new Set();
      }
      this.#names.set(parent, names);
    }
    return names.has(basename(path));
  }
}

/** Polls after the end of a job without a result file before it counts as lost. */
const GRACE_POLLS = 4;

export class JobWatcher {
  readonly #pollMs: number;
  readonly #entries = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;
  #closed = false;
  /** Reports an error of the poll itself (squeue failing); the poll goes on. */
  readonly #onError: (error: unknown) => void;

  constructor(pollMs: number, onError: (error: unknown) => void) {
    this.#pollMs = pollMs;
    this.#onError = onError;
  }

  watch(w: Watched): void {
    this.#entries.set(`${w.dir}\u0000${w.key}`, { w, placed: false, late: 0 });
    this.#schedule();
  }

  /** Stops following `key` (its task was cancelled). */
  forget(dir: string, key: string): void {
    this.#entries.delete(`${dir}\u0000${key}`);
  }

  /** The jobs still followed. */
  jobs(): string[] {
    return [...this.#entries.values()].map((e) => e.w.job);
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#entries.clear();
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined || this.#polling || this.#entries.size === 0)
      return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, this.#pollMs);
  }

  async #poll(): Promise<void> {
    this.#polling = true;
    try {
      const waiting: Entry[] = [];
      const written = new ResultListing();
      for (const [id, e] of this.#entries) {
        const result = written.has(e.w.dir, e.w.key) ? readResultFile(e.w.dir, e.w.key) : undefined;
        if (result === undefined || terminated(result)) {
          e.stopped = result;
          waiting.push(e);
          continue;
        }
        this.#entries.delete(id);
        if (!e.placed) e.w.placed(`slurm job ${e.w.job} (${result.worker})`);
        e.w.done(result);
      }
      if (waiting.length > 0) {
        const states = await queryJobs([...new Set(waiting.map((e) => baseId(e.w.job)))]);
        for (const e of waiting) this.#judge(e, states.get(e.w.job));
      }
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#polling = false;
      this.#schedule();
    }
  }

  #judge(e: Entry, s: JobState | undefined): void {
    const w = e.w;
    const id = `${w.dir}\u0000${w.key}`;
    if (!this.#entries.has(id)) return;
    const phase = s === undefined ? undefined : phaseOf(s);
    if (phase?.phase === 'running' && !e.placed) {
      e.placed = true;
      w.placed(`slurm job ${w.job} on ${s!.node || 'a node'}`);
    }
    if (phase?.phase === 'queued' || phase?.phase === 'running') return;
    if (phase?.phase === 'killed') {
      this.#entries.delete(id);
      w.failed(new SlurmJobKilledError(w.what, w.job, phase.reason, s!.state));
      return;
    }
    if (e.stopped !== undefined) {
      // Told to stop, and not by a limit of Slurm's: scancel, or a signal of someone's.
      this.#entries.delete(id);
      w.done(e.stopped);
      return;
    }
    // Ended, cancelled or forgotten by Slurm, and no result yet: it may still show up.
    if (++e.late < GRACE_POLLS) return;
    this.#entries.delete(id);
    const why =
      phase === undefined
        ? 'is no longer known to Slurm and left no result'
        : phase.phase === 'cancelled'
          ? `was cancelled outside weft (${s!.state}${s!.reason && s!.reason !== 'None' ? `, ${s!.reason}` : ''})`
          : `ended (${s!.state}) without writing its result`;
    w.failed(new SlurmJobLostError(w.what, w.job, `${why}; its output is in ${w.dir}/logs/`));
  }
}
