/**
 * @module
 * Reading an inbox: a Redis list that many senders push signed batches to,
 * and one reader pops, in order, up to a thousand at a time, blocking while
 * it is empty. The reader has a connection of its own (a blocking pop holds
 * it); closing the reader closes that connection, which ends a pop under way.
 */
import type { Redis } from 'ioredis';

const BATCH = 1000;
/** Seconds a blocking pop waits before it looks again (bounds how long closing waits). */
const BLOCK_SECONDS = 1;

export class InboxReader {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #handle: (items: Buffer[]) => void;
  readonly #failed: (error: unknown) => void;
  #closed = false;
  #loop: Promise<void> | undefined;

  constructor(
    redis: Redis,
    key: string,
    handle: (items: Buffer[]) => void,
    failed: (error: unknown) => void,
  ) {
    this.#redis = redis;
    this.#key = key;
    this.#handle = handle;
    this.#failed = failed;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      try {
        // The pop that blocks and the one that takes what else is there leave together: Redis
        // runs the second once the first returns, so a wake costs one trip, not two.
        const replies = await this.#redis
          .pipeline()
          .blpopBuffer(this.#key, BLOCK_SECONDS)
          .lpopBuffer(this.#key, BATCH - 1)
          .exec();
        if (replies === null) continue;
        const [[blockError, first], [popError, rest]] = replies as [
          [Error | null, [Buffer, Buffer] | null],
          [Error | null, Buffer[] | null],
        ];
        // The second pop ran even when the first timed out: what it took is read all the same.
        const items = first === null || blockError !== null ? [] : [first[1]];
        if (popError === null && rest !== null) items.push(...rest);
        if (items.length > 0) this.#handle(items);
        if (blockError !== null) throw blockError;
        if (popError !== null) throw popError;
      } catch (error) {
        if (this.#closed) return;
        this.#failed(error);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** Stops reading; resolves once the loop ended. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#redis.disconnect();
    await this.#loop;
  }
}
