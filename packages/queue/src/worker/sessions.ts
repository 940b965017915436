/**
 * @module
 * Whether the coordinator sessions a worker serves are alive. A session is
 * dead when a run it served now belongs to another session (it was resumed
 * elsewhere), or when its marker has been gone for a while (its coordinator
 * was killed and the marker expired; a marker merely lost with a Redis
 * restart is put back within a second by a live coordinator). A worker drops
 * the jobs of a dead session and stops its tasks: nothing it would report
 * could be recorded.
 */
import type { Redis } from 'ioredis';
import type { QueueKeys } from '../common/keys.ts';

/** How long a marker may be missing before its session is taken for dead. */
const MISSING_MS = 3000;
/** How long an answer is trusted for a job. */
const FRESH_MS = 1000;

interface Known {
  readonly runs: Set<string>;
  /** When the marker was last checked, and since when it is missing (0: it was there). */
  checked: number;
  missingSince: number;
  dead: boolean;
}

export class SessionWatch {
  readonly #redis: Redis;
  readonly #keys: QueueKeys;
  readonly #known = new Map<string, Known>();

  constructor(redis: Redis, keys: QueueKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /**
   * Whether a job of `session` for run `runId` should run: at once when the
   * last answer is fresh, else once Redis answered.
   */
  alive(session: string, runId: string): boolean | Promise<boolean> {
    let known = this.#known.get(session);
    if (known === undefined) {
      known = { runs: new Set([runId]), checked: 0, missingSince: 0, dead: false };
      this.#known.set(session, known);
    }
    if (!known.runs.has(runId)) {
      known.runs.add(runId);
      known.checked = 0; // a run not checked yet: its owner is asked
    }
    if (known.dead) return false;
    if (Date.now() - known.checked < FRESH_MS && known.missingSince === 0) return true;
    return this.#ask(session, known);
  }

  async #ask(session: string, known: Known): Promise<boolean> {
    await this.#check(session, known);
    // A missing marker right after a restart of Redis: look again once the coordinator put it back.
    while (!known.dead && known.missingSince !== 0) {
      await new Promise((r) => setTimeout(r, FRESH_MS / 2));
      await this.#check(session, known);
    }
    return !known.dead;
  }

  /** Checks every session in `sessions`; returns those found dead. */
  async sweep(sessions: Iterable<string>): Promise<string[]> {
    const dead: string[] = [];
    for (const session of sessions) {
      const known = this.#known.get(session);
      if (known === undefined || known.dead) continue;
      await this.#check(session, known);
      if (known.dead) dead.push(session);
    }
    return dead;
  }

  async #check(session: string, known: Known): Promise<void> {
    const runs = [...known.runs];
    let answers: (string | null)[];
    try {
      answers = await this.#redis.mget(this.#keys.session(session), ...runs.map(this.#keys.run));
    } catch {
      return; // Redis is away: judge nothing by it
    }
    const now = Date.now();
    known.checked = now;
    // Missing for a while (counted from when Redis answered, not from before an outage): dead.
    if (answers[0] !== null) known.missingSince = 0;
    else if (known.missingSince === 0) known.missingSince = now;
    else if (now - known.missingSince > MISSING_MS) known.dead = true;
    // The run is another session's now (resumed): this one is over for good.
    if (answers.slice(1).some((owner) => owner !== null && owner !== session)) known.dead = true;
  }

  forget(session: string): void {
    this.#known.delete(session);
  }
}
