/**
 * @module
 * The pilot jobs of a run: started when the first task comes, each a
 * worker that holds its allocation; looked up with one `squeue` per poll
 * interval; replaced, up to `max` jobs in all, when some end while tasks
 * are still waiting or running; all cancelled when the run ends.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { slurm } from '../commands.ts';
import { SbatchRejectedError } from '../errors.ts';
import { cancelJobs } from '../job-script.ts';
import type { CompiledSlurmOptions } from '../options.ts';
import { toArgs } from '../sbatch-args.ts';
import { phaseOf, queryJobs } from '../squeue.ts';

/** The pilot's program, beside this module in the sources (.ts) or the build (.js). */
const PILOT_MAIN = fileURLToPath(
  new URL(`./pilot-main${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export class Pilots {
  readonly #o: CompiledSlurmOptions;
  readonly #busy: () => boolean;
  readonly #onError: (error: unknown) => void;
  /** Every pilot submitted, and those not known to have ended. */
  readonly #all: string[] = [];
  readonly #alive = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;

  constructor(o: CompiledSlurmOptions, busy: () => boolean, onError: (error: unknown) => void) {
    this.#o = o;
    this.#busy = busy;
    this.#onError = onError;
  }

  /** The pilot jobs submitted so far. */
  get submitted(): readonly string[] {
    return this.#all;
  }

  /** Starts the first pilots (once); rejects when sbatch refuses them. */
  start(): Promise<void> {
    this.#starting ??= this.#top().then(() => this.#schedule());
    return this.#starting;
  }

  /** Submits pilots until `count` are alive, within `max` in all. */
  async #top(): Promise<void> {
    const p = this.#o.pilots;
    const want = Math.min(p.count - this.#alive.size, p.max - this.#all.length);
    for (let i = 0; i < want && !this.#closed; i++) {
      const job = await this.#submit();
      this.#all.push(job);
      this.#alive.add(job);
    }
  }

  async #submit(): Promise<string> {
    const p = this.#o.pilots;
    const dir = join(this.#o.dir, 'pilots', p.queue);
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'pilot.sh');
    writeFileSync(script, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(PILOT_MAIN)}\n`);
    const env = {
      WEFT_PILOT_REDIS: p.redis,
      WEFT_PILOT_QUEUE: p.queue,
      WEFT_PILOT_CPUS: String(p.cpus),
      WEFT_PILOT_ROOT: this.#o.root,
    };
    Object.assign(process.env, env);
    const out = await slurm('sbatch', [
      '--parsable',
      `--job-name=weft-pilot:${p.queue}`,
      `--chdir=${process.cwd()}`,
      `--output=${join(dir, '%j.out')}`,
      `--cpus-per-task=${p.cpus}`,
      ...(p.memoryMb === undefined ? [] : [`--mem=${p.memoryMb}M`]),
      ...(p.time === undefined ? [] : [`--time=${p.time}`]),
      ...toArgs(this.#o.sbatch),
      script,
    ]);
    const id = out.stdout.trim().split(';')[0] ?? '';
    if (out.code !== 0 || !/^\d+$/.test(id))
      throw new SbatchRejectedError('a pilot job', out.stderr || out.stdout);
    return id;
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => void this.#poll(), this.#o.pollMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    try {
      const states = await queryJobs([...this.#alive]);
      for (const job of [...this.#alive]) {
        const s = states.get(job);
        const phase = s === undefined ? 'gone' : phaseOf(s).phase;
        if (phase !== 'queued' && phase !== 'running') this.#alive.delete(job);
      }
      // Pilots that ended (wall time, preemption, scancel) are replaced while work remains.
      if (this.#busy() && this.#alive.size < this.#o.pilots.count) await this.#top();
    } catch (error) {
      this.#onError(error);
    } finally {
      this.#schedule();
    }
  }

  /** Cancels every pilot; none is left behind. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#starting?.catch(() => {});
    await cancelJobs(this.#all);
  }
}
