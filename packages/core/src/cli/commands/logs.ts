/**
 * @module
 * `weft logs <run-id> [task]`: the log records of a run, or of one task
 * (by id, label or name), as `time level task#id message`; `--follow`
 * keeps printing new ones until the run is no longer running.
 */
import type { Command } from 'commander';
import type { RunStore, StoredLog, TaskRecord } from '../../store/run-store.ts';
import { EXIT_OK, UsageError } from '../errors.ts';
import { clockMs, err, oneLine, out, type Paint, stdoutPaint } from '../format.ts';
import { modeOption, storeOption } from '../run-options.ts';
import { isOrphaned, withRun } from '../store.ts';

interface Flags {
  readonly mode?: string;
  readonly follow?: boolean;
  readonly json?: boolean;
  readonly store?: string;
}

const EXAMPLES = `
Examples:
  $ weft logs 01jd3k                 # every record of the run
  $ weft logs 01jd3k 12              # task #12
  $ weft logs 01jd3k load-2024       # the task with this label (or name)
  $ weft logs 01jd3k --follow        # until the run ends
`;

const POLL_MS = 200;
const PAGE = 1000;
const LEVEL_STYLE = { debug: 'gray', info: 'blue', warn: 'yellow', error: 'red' } as const;

/** Adds `weft logs` to the program. */
export function registerLogs(program: Command, done: (code: number) => void): void {
  program
    .command('logs')
    .description("print a run's log records, or one task's")
    .argument('<run-id>', 'the run (id or unique prefix)')
    .argument('[task]', 'a task id, label or name')
    .option('-f, --follow', 'keep printing new records until the run ends')
    .option('--json', 'one JSON record per line')
    .addOption(storeOption())
    .addOption(modeOption())
    .addHelpText('after', EXAMPLES)
    .action(async (id: string, task: string | undefined, flags: Flags) => {
      done(await logs(id, task, flags));
    });
}

/** The tasks `ref` names in a run: an id, else a label, else every task of that name. */
export function findTasks(store: RunStore, runId: string, ref: string): TaskRecord[] {
  if (/^\d+$/.test(ref)) {
    const t = store.task(runId, Number(ref));
    if (t !== undefined) return [t];
  }
  const candidates = store.tasks(runId, { name: ref, limit: Number.MAX_SAFE_INTEGER });
  const labelled = candidates.filter((t) => t.label === ref);
  if (labelled.length > 0) return labelled;
  const named = candidates.filter((t) => t.name === ref);
  if (named.length > 0) return named;
  throw new UsageError(`run ${runId} has no task with id, label or name "${ref}"`);
}

async function logs(id: string, ref: string | undefined, flags: Flags): Promise<number> {
  await withRun({ store: flags.store, mode: flags.mode }, id, async ({ store }, run) => {
    const tasks = ref === undefined ? undefined : findTasks(store, run.id, ref);
    const names = new Map<number, string>();
    const nameOf = (taskId: number): string => {
      let name = names.get(taskId);
      if (name === undefined) {
        name = taskId < 0 ? 'run' : `${store.task(run.id, taskId)?.name ?? 'task'}#${taskId}`;
        names.set(taskId, name);
      }
      return name;
    };
    const paint = stdoutPaint();
    const print = (log: StoredLog): void =>
      out(flags.json ? `${JSON.stringify(log)}\n` : line(log, nameOf(log.taskId), paint));
    // One cursor per task asked for (or one for the whole run).
    const cursors = (tasks ?? [undefined]).map((t) => ({ taskId: t?.id, after: 0 }));
    const drain = (): void => {
      const batch: StoredLog[] = [];
      for (const c of cursors) {
        for (;;) {
          const page = store.logs(run.id, {
            afterSeq: c.after,
            limit: PAGE,
            ...(c.taskId === undefined ? {} : { taskId: c.taskId }),
          });
          for (const log of page) batch.push(log);
          if (page.length > 0) c.after = page[page.length - 1]!.seq;
          if (page.length < PAGE) break;
        }
      }
      batch.sort((a, b) => a.seq - b.seq);
      for (const log of batch) print(log);
    };
    drain();
    if (!flags.follow) return;
    for (;;) {
      const now = store.run(run.id);
      if (now === undefined || now.state !== 'running') break;
      if (isOrphaned(now)) {
        err(`run ${run.id} stopped without closing its record (process ${now.pid} is gone)\n`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      drain();
    }
    drain();
  });
  return EXIT_OK;
}

/** `18:49:03.120 info  load#3 message {"rows":12}`. */
function line(log: StoredLog, task: string, paint: Paint): string {
  const level = paint(LEVEL_STYLE[log.level] ?? 'white', log.level.padEnd(5));
  const fields =
    log.fields === undefined || Object.keys(log.fields).length === 0
      ? ''
      : ` ${paint('dim', safeJson(log.fields))}`;
  const message = String(log.message).split('\n').map(oneLine).join('\n    ');
  return `${paint('dim', clockMs(log.time))} ${level} ${paint('cyan', oneLine(task))} ${message}${fields}\n`;
}

function safeJson(value: unknown): string {
  try {
    return oneLine(JSON.stringify(value));
  } catch {
    return '{…}';
  }
}
