/**
 * @module
 * The Node options a worker thread can inherit: the parent's, without those
 * that only make sense for the main script (`-e`, `-p`, `--input-type`),
 * which a worker refuses.
 */

const WITH_VALUE = new Set(['-e', '--eval', '-p', '--print']);

/**
 * `process.execArgv` minus what a worker thread cannot take.
 * @example
 * new Worker(url, { execArgv: workerExecArgv() });
 */
export function workerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (WITH_VALUE.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('--input-type') || a.startsWith('--eval=') || a.startsWith('--print=')) {
      continue;
    }
    out.push(a);
  }
  return out;
}
