/**
 * @module
 * Small pieces of a run: the message for something that is not a task, and
 * run ids.
 */
import { randomBytes } from 'node:crypto';
import { describeValue } from '../errors/base.ts';
import { NotATaskError } from '../errors/run.ts';

export function notATask(value: unknown): NotATaskError {
  const what = describeValue(value);
  const hint =
    typeof value === 'function'
      ? ` Wrap it: export const ${value.name || 'myTask'} = task('${value.name || 'myTask'}', async (ctx, ...args) => ...)`
      : '';
  return new NotATaskError(`submit() expects a task made with task(), got ${what}.${hint}`);
}

/** A new run id: time-ordered, then random. */
export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
