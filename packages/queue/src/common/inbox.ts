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
        const items = await this.#redis.lpopBuffer(this.#key, BATCH);
        if (items !== null && items.length > 0) {
          this.#handle(items);
          continue;
        }
        const first = await this.#redis.blpopBuffer(this.#key, BLOCK_SECONDS);
        if (first !== null) this.#handle([first[1]]);
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
