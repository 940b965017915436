/**
 * @module
 * Captures what code writes to `process.stdout` and `process.stderr`
 * (console.log among it): in a worker, each write goes to the coordinator,
 * attributed to the task whose async context made it; in the `weft`
 * command, to the run's log. Native writes to the file descriptors
 * (subprocesses, addons) bypass this; the pool attributes those to the
 * worker's oldest running task.
 */

/**
 * Replaces the writes of stdout (1) and stderr (2) by `write`; returns the
 * function that puts the original writes back.
 */
export function captureOutput(write: (stream: 1 | 2, text: string) => void): () => void {
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  patch(process.stdout, 1, write);
  patch(process.stderr, 2, write);
  return () => {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  };
}

function patch(
  stream: NodeJS.WriteStream,
  n: 1 | 2,
  write: (stream: 1 | 2, text: string) => void,
): void {
  stream.write = ((chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback;
    const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
    const text =
      typeof chunk === 'string'
        ? enc === undefined || enc === 'utf8' || enc === 'utf-8'
          ? chunk
          : Buffer.from(chunk, enc).toString('utf8')
        : Buffer.from(chunk as Uint8Array).toString('utf8');
    write(n, text);
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as NodeJS.WriteStream['write'];
}
