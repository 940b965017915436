/**
 * @module
 * Steps run in the order they were given, though some finish later (a
 * message read from the artifact store): a step waits for the one before
 * it only when that one has not finished; otherwise it runs at once, in the
 * same turn, as most do.
 */
export class InOrder {
  #tail: Promise<void> | undefined;
  readonly #failed: (error: unknown) => void;

  constructor(failed: (error: unknown) => void) {
    this.#failed = failed;
  }

  run(step: () => void | Promise<void>): void {
    if (this.#tail === undefined) {
      let pending: void | Promise<void>;
      try {
        pending = step();
      } catch (error) {
        this.#failed(error);
        return;
      }
      if (pending instanceof Promise) this.#chain(pending);
      return;
    }
    this.#chain(this.#tail.then(step));
  }

  #chain(promise: Promise<void>): void {
    const tail: Promise<void> = promise.then(
      () => {},
      (error: unknown) => this.#failed(error),
    );
    this.#tail = tail;
    void tail.then(() => {
      if (this.#tail === tail) this.#tail = undefined;
    });
  }
}
