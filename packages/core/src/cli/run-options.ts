/**
 * @module
 * The options `weft run`, `resume` and `rerun` share (executor, retries,
 * config overrides, cache, output), declared once on a commander command
 * and turned into the engine's run options.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { RunOptions } from '../frontends/futures/run.ts';
import { collect, parsePairs } from './params.ts';

/** The flags as commander parses them. */
export interface RunFlags {
  readonly executor?: 'inline' | 'threads' | 'processes';
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
    .addOption(
      new Option('--executor <kind>', "where tasks run (default: the mode's, else inline)").choices(
        ['inline', 'threads', 'processes'],
      ),
    )
    .option(
      '-j, --concurrency <n>',
      'tasks at once: concurrency for inline, workers (max) for threads/processes; alone, implies --executor inline',
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

/** Declares `--json` and `--quiet`. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'NDJSON events on stdout, nothing else')
    .option('-q, --quiet', 'only failures and the summary');
}

/** The run options these flags ask for. */
export function engineOptions(flags: RunFlags): RunOptions {
  const executor =
    flags.executor === undefined && flags.concurrency === undefined
      ? undefined
      : executorChoice(flags.executor ?? 'inline', flags.concurrency);
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
  return kind === 'inline' ? { kind, concurrency } : { kind, max: concurrency };
}
