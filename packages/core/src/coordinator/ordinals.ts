/**
 * @module
 * Each submission's position among its parent's submissions of a task with
 * the same name: with the parent and the name, what identifies it across
 * runs (see `ResumeIndex`).
 */

export class Ordinals {
  readonly #main = new Map<string, number>();
  readonly #byParent = new Map<number, Map<string, number>>();

  /** The next position for a submission of `name` by `parentId` (-1: the main function). */
  next(parentId: number, name: string): number {
    let counts = this.#main;
    if (parentId >= 0) {
      let c = this.#byParent.get(parentId);
      if (c === undefined) {
        c = new Map();
        this.#byParent.set(parentId, c);
      }
      counts = c;
    }
    const n = counts.get(name) ?? 0;
    counts.set(name, n + 1);
    return n;
  }
}
