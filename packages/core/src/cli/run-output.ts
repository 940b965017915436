/**
 * @module
 * What code in the `weft` command's own process prints while a run runs:
 * a task running in-process (the inline executor) and the workflow's main.
 * A task's output becomes its log records (as in a worker: a line each,
 * stdout at `info`, stderr at `warn`, with `{ stream }`), so it reaches
 * `weft logs` and never garbles the live display; main's output becomes the
 * run's log records (task -1), which the renderers print as output (`--json`
 * as events only). The command's own writes go around the capture
 * (`format.ts`).
 */

import type { Invocation } from '../executor/executor.ts';
import { flushOutput, type OutputOwner, writeOutput } from '../executor/pool/output.ts';
import type { Logger } from '../vocabulary/logger.ts';
import { submitScope } from '../vocabulary/scope.ts';
import { captureOutput } from '../worker/stdio.ts';

/**
 * Captures the process's output for run `runId` until the returned function
 * is called (which also writes out lines left without a newline).
 */
export function captureRunOutput(runId: string, runLog: Logger): () => void {
  const main: OutputOwner = { inv: { log: runLog } as Invocation, partial: undefined };
  const tasks = new Map<Invocation, OutputOwner>();
  const restore = captureOutput((stream, text) => {
    const scope = submitScope.getStore() as Partial<Invocation> | undefined;
    let owner = main;
    if (scope?.runId === runId && (scope.parentId ?? -1) >= 0 && scope.log !== undefined) {
      const inv = scope as Invocation;
      owner = tasks.get(inv) ?? { inv, partial: undefined };
      tasks.set(inv, owner);
    }
    writeOutput(owner, stream, text);
    // A task whose lines all ended holds nothing: forget it (tasks are many).
    if (owner !== main && owner.partial?.[0] === '' && owner.partial[1] === '') {
      tasks.delete(owner.inv);
    }
  });
  return () => {
    restore();
    for (const owner of tasks.values()) flushOutput(owner);
    flushOutput(main);
  };
}
