/**
 * @module
 * Lazy resources for tasks: wraps the run's executor so that a task's
 * declared resources are created (once, dependencies first) just before its
 * first use, and handed to it as `ctx.resources`. Tasks that declare none
 * pass straight through. An executor made of pools is gated pool by pool:
 * a pool that runs tasks elsewhere gets the source to rebuild them from, one
 * that runs them here gets them made here.
 */
import type { Executor, Invocation } from '../executor/executor.ts';
import { PoolsExecutor } from '../executor/pools-executor.ts';
import type { ResourceScope } from '../resources/scope.ts';
import type { ResourceSource } from '../resources/source.ts';

/** The part of an invocation the gate fills in. */
interface WithResources {
  resources: Readonly<Record<string, unknown>>;
}

export function gateExecutor(
  inner: Executor,
  scope: ResourceScope,
  source: ResourceSource | undefined,
): Executor {
  if (inner.pools !== undefined) {
    const gated = inner.pools.map((p) => ({
      name: p.name,
      executor: gateExecutor(p.executor, scope, source),
    }));
    // The pools belong to the executor the scope created (and disposes), not to this view.
    return new PoolsExecutor(gated, inner.defaultPool ?? gated[0]?.name ?? '', [], inner.name);
  }
  if (inner.remote === true) {
    // Values cannot follow a task into a worker: the worker rebuilds them from the source.
    return {
      name: inner.name,
      capacity: inner.capacity,
      remote: true,
      ...(inner.carriesChildren === false ? { carriesChildren: false } : {}),
      ...(inner.worker === undefined ? {} : { worker: inner.worker }),
      ...(inner.placesAttempts === true ? { placesAttempts: true } : {}),
      ...(inner.check ? { check: inner.check.bind(inner) } : {}),
      run(invocation: Invocation, signal: AbortSignal): Promise<unknown> {
        if (invocation.task.options.resources.length > 0 && source !== undefined) {
          (invocation as unknown as { resourceSource: ResourceSource }).resourceSource = source;
        }
        return inner.run(invocation, signal);
      },
      [Symbol.asyncDispose]: async () => {},
    };
  }
  return {
    name: inner.name,
    capacity: inner.capacity,
    remote: inner.remote,
    ...(inner.carriesChildren === false ? { carriesChildren: false } : {}),
    ...(inner.worker === undefined ? {} : { worker: inner.worker }),
    ...(inner.placesAttempts === true ? { placesAttempts: true } : {}),
    ...(inner.check ? { check: inner.check.bind(inner) } : {}),
    run(invocation: Invocation, signal: AbortSignal): Promise<unknown> {
      const keys = invocation.task.options.resources;
      if (keys.length === 0) return inner.run(invocation, signal);
      return scope.ensure(keys).then((values) => {
        (invocation as unknown as WithResources).resources = Object.freeze(values);
        return inner.run(invocation, signal);
      });
    },
    // The scope owns (and disposes) the executor it created.
    [Symbol.asyncDispose]: async () => {},
  };
}
