/**
 * @module
 * The options `weft run`, `resume` and `rerun` share (executor, retries,
 * config overrides, cache, output), declared once on a commander command
 * and turned into the engine's run options.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors/usage.ts';
import type { RunOptions } from '../frontends/futures/run.ts';
import { err } from './format.ts';
import { collect, parsePairs } from './params.ts';

/** The flags as commander parses them. */
export interface RunFlags {
  readonly executor?: string;
  readonly concurrency?: number;
  readonly keepGoing?: boolean;
  readonly retries?: number;
  readonly set?: string[];
  /** A mode, or false for `--no-cache`. */
  readonly cache?: string | false;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly store?: string;
}

export const CACHE_CHOICES = ['off', 'read', 'write', 'readwrite'];

/** A commander argument parser for whole numbers from `min`. */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number${min > 0 ? ` from ${min}` : ''}.`);
    }
    return n;
  };
}

/** Declares the executor, failure-policy, config and cache options. */
export function addEngineOptions(cmd: Command): Command {
  return cmd
    .option(
      '--executor <kind>',
      "where tasks run: inline, threads, processes, or a plugin's kind (default: the mode's, else inline)",
    )
    .option(
      '-j, --concurrency <n>',
      'tasks at once: concurrency for inline and plugin kinds, workers (max) for threads/processes; alone, implies --executor inline',
      wholeNumber(1),
    )
    .option('--keep-going', 'run every task that does not depend on a failure')
    .option('--retries <n>', 'retries of tasks that do not set their own', wholeNumber(0))
    .option(
      '--set <resource.key=value>',
      'override a config value (repeatable; JSON or string)',
      collect,
    )
    .addOption(new Option('--cache <mode>', 'task result cache').choices(CACHE_CHOICES))
    .option('--no-cache', 'neither read nor write cached results (--cache off)')
    .option('--store <path>', 'the run store to record in (default: .weft/weft.db of the project)');
}

/** `--store`: the SQLite file a reading command reads. */
export function storeOption(): Option {
  return new Option(
    '--store <path>',
    "a SQLite run store file (default: the mode's runStore, else .weft/weft.db of the project)",
  );
}

/** `--mode`: the mode whose `runStore` a reading command reads. */
export function modeOption(): Option {
  return new Option(
    '--mode <name>',
    "read the runStore of this mode of weft.config.ts (default: WEFT_MODE, else the file's defaultMode)",
  );
}

/** Declares `--json` and `--quiet`. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'NDJSON events on stdout, nothing else')
    .option('-q, --quiet', 'only failures and the summary');
}

/** The run options these flags ask for. */
export async function engineOptions(flags: RunFlags): Promise<RunOptions> {
  const { executorKinds } = await import('../executor/kinds.ts');
  if (flags.executor !== undefined && !executorKinds().includes(flags.executor)) {
    throw new UsageError(
      `--executor ${flags.executor}: unknown executor kind; known kinds: ${executorKinds().join(', ')} ` +
        "(a plugin adds its kinds when the project's package.json or weft.config.ts names it)",
    );
  }
  const executor =
    flags.executor === undefined && flags.concurrency === undefined
      ? undefined
      : executorChoice(flags.executor ?? 'inline', flags.concurrency);
  if (flags.executor === undefined && flags.concurrency !== undefined && !flags.quiet) {
    err(
      `note: -j ${flags.concurrency} alone runs tasks in this process, ${flags.concurrency} at a time ` +
        "(the inline executor, instead of the mode's); add --executor threads or processes to run them in workers\n",
    );
  }
  const set = parsePairs(flags.set, '--set');
  const cache = flags.cache === false ? 'off' : flags.cache;
  return {
    ...(executor === undefined ? {} : { executor }),
    ...(flags.keepGoing ? { keepGoing: true } : {}),
    ...(flags.retries === undefined ? {} : { retries: flags.retries }),
    ...(Object.keys(set).length === 0 ? {} : { set }),
    ...(cache === undefined ? {} : { cache: cache as RunOptions['cache'] & string }),
  };
}

function executorChoice(kind: string, concurrency: number | undefined): RunOptions['executor'] {
  if (concurrency === undefined) return kind;
  return kind === 'threads' || kind === 'processes'
    ? { kind, max: concurrency }
    : { kind, concurrency };
}
