/**
 * @module
 * What the executor contract's sections share: the context they get, the
 * timings they use, and helpers that read a run's events.
 */
import type { Capacity, Executor, LogEvent, RunEvent, TaskState } from '../../index.ts';

/** What each section of the contract gets from `runExecutorContract`. */
export interface ContractContext {
  /** A new executor, disposed by the suite after the test. */
  readonly newExecutor: () => Promise<Executor>;
}

/** Short enough to keep the suite fast; long enough that tasks overlap. */
export const HOLD_MS = 5;
export const CANCEL_GRACE = '50ms';
export const QUICK_RETRY = { initial: '1ms', jitter: false } as const;

export interface Recorder {
  readonly events: RunEvent[];
  readonly onEvent: (event: RunEvent) => void;
  /** The first event, past or future, that matches. */
  next<E extends RunEvent>(match: (event: RunEvent) => event is E): Promise<E>;
}

export function recorder(): Recorder {
  const events: RunEvent[] = [];
  const waiting = new Set<(event: RunEvent) => void>();
  return {
    events,
    onEvent: (event) => {
      events.push(event);
      for (const w of waiting) w(event);
    },
    next: (match) => {
      const past = events.find(match);
      if (past !== undefined) return Promise.resolve(past);
      return new Promise((resolve) => {
        const w = (event: RunEvent): void => {
          if (!match(event)) return;
          waiting.delete(w);
          resolve(event);
        };
        waiting.add(w);
      });
    },
  };
}

export function isLog(message: string): (event: RunEvent) => event is LogEvent {
  return (event): event is LogEvent => event.type === 'log' && event.message === message;
}

/** The most tasks running at once, and the most of a resource they held, as events tell. */
export function peakRunning(
  events: readonly RunEvent[],
  need: (taskId: number) => number = () => 0,
): { count: number; amount: number } {
  const running = new Set<number>();
  let amount = 0;
  const peak = { count: 0, amount: 0 };
  for (const e of events) {
    if (e.type === 'started') {
      running.add(e.taskId);
      amount += need(e.taskId);
      peak.count = Math.max(peak.count, running.size);
      peak.amount = Math.max(peak.amount, amount);
    } else if ('taskId' in e && e.type !== 'log' && running.delete(e.taskId)) {
      amount -= need(e.taskId);
    }
  }
  return peak;
}

/** The attempt of each event of `type`, in order. */
export function attemptsOf(events: readonly RunEvent[], type: RunEvent['type']): number[] {
  return events.flatMap((e) => (e.type === type && 'attempt' in e ? [e.attempt] : []));
}

/** Each task's state after its last state event. */
export function finalStates(events: readonly RunEvent[]): Map<number, TaskState> {
  const states = new Map<number, TaskState>();
  for (const e of events) {
    if (e.type === 'succeeded' || e.type === 'failed' || e.type === 'cancelled') {
      states.set(e.taskId, e.type);
    } else if (e.type === 'upstream_failed') states.set(e.taskId, 'upstream_failed');
  }
  return states;
}

/** The first resource with a finite, positive amount, `cpus` if it has one. */
export function pickResource(capacity: Capacity): [string, number] | undefined {
  const usable = Object.entries(capacity.resources).filter(
    ([, amount]) => Number.isFinite(amount) && amount > 0,
  );
  return usable.find(([key]) => key === 'cpus') ?? usable[0];
}

export function unexpected(value: unknown): never {
  throw new Error(`expected the run to fail, but it returned ${String(value)}`);
}
