/**
 * @module
 * What travels on Redis, and how: jobs (one attempt of one task, for one
 * worker), batches from a worker to a coordinator session (the worker
 * protocol's messages, and the queue's own), and batches from a coordinator
 * to a worker. Each is serialized with `node:v8` (what crosses between
 * threads and processes crosses here too: Date, Map, typed arrays, errors'
 * plain forms) and signed (`secret.ts`); a worker checks a job's signature
 * before it reads anything of it. A serialized value above `inlineLimit`
 * goes to the artifact store, and the signed message names its hash.
 */
import { deserialize, serialize } from 'node:v8';
import type { SerializedError } from '@weft/core';
import type { ResourceSource } from '@weft/core/executor';
import type { ArtifactStore } from '@weft/core/store';
import type { FromWorker, ToWorker } from '@weft/core/worker';
import { QueueArtifactMissingError, QueueMessageError, type RefusalReason } from '../errors.ts';
import type { Purpose, Signer } from './secret.ts';

/** One attempt of one task, as a job on the queue of the worker it was placed on. */
export interface JobPayload {
  /** The coordinator's weft version: a worker of another refuses the job. */
  readonly v: string;
  /** The coordinator's session, whose inbox gets the worker's reports. */
  readonly s: string;
  readonly r: string;
  /** The worker it was placed on. */
  readonly w: string;
  /** The dispatch key: new for every placement of an attempt. */
  readonly k: number;
  /** The task's module, relative to the project root, with `/`. */
  readonly mod: string;
  /** Names the module's import graph in the session (a number, as text). */
  readonly h: string;
  /**
   * The graph itself (`coordinatorHash`'s token: each file with its content
   * hash), in the first job of a module a worker gets from a session; later
   * jobs name it by `h` only.
   */
  readonly t?: string;
  readonly n: string;
  readonly a: readonly unknown[];
  readonly i: number;
  readonly at: number;
  readonly l: string | undefined;
  /** The task's requirements, which the worker holds of its own resources while it runs. */
  readonly q: Readonly<Record<string, number>> | undefined;
  /** Declared resources, and where to rebuild them (config file relative to the root). */
  readonly res?: readonly string[];
  readonly src?: { readonly id: number; readonly source: ResourceSource };
}

/** From a worker to a coordinator session, besides the worker protocol's messages. */
export type QueueUp =
  /** The worker will not run job `k`: `e` says why. */
  | {
      readonly t: 'job-refused';
      readonly k: number;
      readonly reason: RefusalReason;
      readonly e: SerializedError;
    }
  /** Job `k` names a module graph the worker was never sent: send it again, with the graph. */
  | { readonly t: 'need-graph'; readonly k: number }
  /** Jobs it took and never started (it is stopping): place them elsewhere. */
  | { readonly t: 'handback'; readonly k: readonly number[] }
  /** It stops: `running` were stopped mid-way (run them again), `why` says why. */
  | { readonly t: 'leaving'; readonly running: readonly number[]; readonly why: string };

export type Up = FromWorker | QueueUp;

export interface UpBatch {
  /** The worker's id. */
  readonly w: string;
  readonly m: readonly Up[];
}

/** From a coordinator session to a worker. */
export type Down =
  | Extract<ToWorker, { t: 'abort' | 'ack' | 'settle' }>
  /** The session is over: the worker forgets it (and disposes its resources). */
  | { readonly t: 'session-end' }
  /**
   * A job for a worker with a free slot for it, sent with the messages
   * rather than through its BullMQ queue (one hop less on Redis, and none of
   * BullMQ's scripts). The batch's signature covers it: it is not signed
   * again on its own, and the worker checks it as it checks a job from the
   * queue once its signature held.
   */
  | { readonly t: 'job'; readonly p: JobPayload };

export interface DownBatch {
  /** The session. */
  readonly s: string;
  readonly m: readonly Down[];
}

/** Beside a job that went through the artifact store: whose it is. */
export interface JobHeader {
  readonly s: string;
  readonly k: number;
  readonly w: string;
}

/** Beside a worker's batch that went through the artifact store: the calls it was about. */
export interface UpHeader {
  readonly w: string;
  readonly k: readonly number[];
}

/**
 * Beside a coordinator's batch that went through the artifact store: the
 * nodes it answered, and the keys of the jobs it carried (so that, lost,
 * they fail instead of waiting).
 */
export interface DownHeader {
  readonly s: string;
  readonly f: readonly number[];
  readonly k?: readonly number[];
}

/** Sealed bytes start with a tag: the value itself, or where the artifact holding it is. */
const INLINE = 0;
const SPILLED = 1;

/**
 * A value read off Redis, with the artifact it came through (to delete once
 * read); or, when that artifact is not in this side's store, the error and
 * the small header the sender put beside the hash, which says whom the lost
 * value was for (so that they fail, saying why, instead of waiting).
 */
export type Opened<T, H> =
  | { readonly value: T; readonly artifact: string | undefined; readonly missing?: undefined }
  | { readonly missing: QueueArtifactMissingError; readonly header: H | undefined };

/** Seals and opens what travels on Redis; see the module. */
export class Wire {
  readonly #signer: Signer;
  readonly #artifacts: ArtifactStore | undefined;
  readonly #inlineLimit: number;

  constructor(signer: Signer, artifacts: ArtifactStore | undefined, inlineLimit: number) {
    this.#signer = signer;
    this.#artifacts = artifacts;
    this.#inlineLimit = inlineLimit;
  }

  get keyId(): string {
    return this.#signer.keyId;
  }

  /**
   * The signed bytes of `value`: synchronous when it is small, else once
   * the artifact store holds it (`header()` then travels beside its hash).
   * Throws what `v8.serialize` throws.
   */
  seal(
    purpose: Purpose,
    value: unknown,
    header?: () => unknown,
    onSpill?: (hash: string) => void,
  ): Buffer | Promise<Buffer> {
    const bytes = serialize(value);
    if (bytes.length <= this.#inlineLimit || this.#artifacts === undefined) {
      return this.#signer.seal(purpose, Buffer.concat([TAG[INLINE]!, bytes]));
    }
    return this.#artifacts.put(bytes).then((hash) => {
      onSpill?.(hash);
      const pointer = serialize({ a: hash, h: header?.() });
      return this.#signer.seal(purpose, Buffer.concat([TAG[SPILLED]!, pointer]));
    });
  }

  /**
   * What signed bytes from `from` hold; see `Opened`. Throws
   * `QueueMessageError` when the signature does not hold.
   */
  open<T, H = unknown>(
    purpose: Purpose,
    sealed: Uint8Array,
    from: string,
  ): Opened<T, H> | Promise<Opened<T, H>> {
    const body = this.#signer.open(purpose, sealed);
    if (body === undefined || body.length < 1) {
      throw new QueueMessageError(
        `a message from ${from} is unsigned or its signature does not match: it was tampered ` +
          'with, or its sender has another WEFT_QUEUE_SECRET',
      );
    }
    if (body[0] === INLINE) {
      return { value: deserialize(body.subarray(1)) as T, artifact: undefined };
    }
    const pointer = deserialize(body.subarray(1)) as { a: string; h: H | undefined };
    const store = this.#artifacts;
    const missing = (): Opened<T, H> => ({
      missing: new QueueArtifactMissingError(pointer.a, store?.location ?? '(none)', from),
      header: pointer.h,
    });
    if (store === undefined) return missing();
    return store
      .get(pointer.a, { verify: true })
      .then(
        (bytes) =>
          bytes === undefined ? missing() : { value: deserialize(bytes) as T, artifact: pointer.a },
        missing,
      );
  }

  /** Deletes an artifact a message came through (best effort: another reader may have). */
  forget(hash: string | undefined): void {
    if (hash !== undefined) this.#artifacts?.delete(hash).catch(() => {});
  }
}

const TAG = [Buffer.from([INLINE]), Buffer.from([SPILLED])];

/**
 * Pushes sealed batches in the order they were made, though sealing a large
 * one waits for the artifact store: later small ones wait behind it.
 */
export class OrderedSender {
  #tail: Promise<void> | undefined;
  readonly #push: (bytes: Buffer) => void;
  readonly #failed: (error: unknown) => void;

  constructor(push: (bytes: Buffer) => void, failed: (error: unknown) => void) {
    this.#push = push;
    this.#failed = failed;
  }

  send(sealed: Buffer | Promise<Buffer>): void {
    if (this.#tail === undefined && sealed instanceof Buffer) {
      this.#push(sealed);
      return;
    }
    const tail: Promise<void> = (this.#tail ?? Promise.resolve())
      .then(() => sealed)
      .then(
        (bytes) => this.#push(bytes),
        (error: unknown) => this.#failed(error),
      )
      .finally(() => {
        if (this.#tail === tail) this.#tail = undefined;
      });
    this.#tail = tail;
  }
}
