/**
 * @module
 * The plain baseline the core benchmark compares weft with: a minimal
 * ready-queue scheduler (dependency counters, dependents lists, a FIFO),
 * running the same async no-op per task. No retries, events, labels,
 * requirements or cancellation: what any scheduler must at least do.
 */

export type Fn = () => Promise<unknown>;

export function runBaseline(count: number, depsOf: (i: number) => number[], fn: Fn): Promise<void> {
  const waiting = new Int32Array(count);
  const dependents: number[][] = new Array(count);
  const ready: number[] = [];
  for (let i = 0; i < count; i++) {
    const deps = depsOf(i);
    waiting[i] = deps.length;
    dependents[i] = [];
    for (const d of deps) dependents[d]!.push(i);
    if (deps.length === 0) ready.push(i);
  }
  return new Promise((resolve, reject) => {
    let done = 0;
    let head = 0;
    const finish = (id: number): void => {
      for (const d of dependents[id]!) if (--waiting[d]! === 0) ready.push(d);
      if (++done === count) resolve();
      else pump();
    };
    const pump = (): void => {
      while (head < ready.length) {
        const id = ready[head++]!;
        fn().then(() => finish(id), reject);
      }
    };
    pump();
  });
}
