/**
 * @module
 * Renderer benchmark: the cost of showing progress. Feeds synthetic task
 * lifecycles (submitted, ready, started, succeeded: 4 events each, 64
 * running at a time) to the live terminal renderer writing to a sink, and to
 * a no-op listener; the loop yields every 50,000 events so the renderer's
 * redraw timer runs as in a real run. Prints events/s for each and the ratio
 * to the no-op listener (the plain renderer is shown too).
 *
 *   node bench/render.ts [--tasks 1000000] [--repeat 3]
 */
import { parseArgs } from 'node:util';
import type { RunEvent } from '@weft/core';
import type * as Render from '../packages/core/src/cli/render/index.js';
import { printTable } from './table.ts';

// The renderers are not part of weft's API (the `weft` command uses them), so
// load their sources; a static import of another project's source would not build.
const source = new URL('../packages/core/src/cli/render/index.ts', import.meta.url);
const { createPlainRenderer, createTtyRenderer }: typeof Render = await import(source.href);

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '3' },
  },
});
const tasks = Number(values.tasks);
const repeat = Number(values.repeat);
const RUNNING = 64;
const YIELD_EVERY = 50_000;

let written = 0;
const sink = { write: (s: string) => (written += s.length), isTTY: true, columns: 120 };

/** Feeds `tasks` lifecycles to `listener`; resolves with the seconds it took. */
async function feed(listener: (e: RunEvent) => void): Promise<number> {
  const runId = 'bench';
  const t0 = Date.now();
  const start = performance.now();
  const task = (
    taskId: number,
    type: 'submitted' | 'ready' | 'started' | 'succeeded',
  ): RunEvent => {
    const time = t0 + Math.floor(taskId / 1000);
    const base = { runId, taskId, name: 'noop', label: undefined, attempt: 1, time };
    if (type !== 'submitted') return { ...base, type };
    return {
      ...base,
      type,
      parentId: -1,
      deps: [],
      ordinal: taskId,
      argsHash: undefined,
      requirements: undefined,
    };
  };
  listener({ type: 'run_started', runId, time: t0 });
  const chunk = YIELD_EVERY / 4;
  for (let from = 0; from < tasks + RUNNING; from += chunk) {
    for (let i = from; i < Math.min(from + chunk, tasks + RUNNING); i++) {
      if (i < tasks) {
        listener(task(i, 'submitted'));
        listener(task(i, 'ready'));
        listener(task(i, 'started'));
      }
      if (i >= RUNNING) listener(task(i - RUNNING, 'succeeded'));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  listener({ type: 'run_finished', runId, state: 'succeeded', time: Date.now() });
  return (performance.now() - start) / 1000;
}

let checksum = 0;
const arms: Record<string, () => Promise<number>> = {
  'no-op listener': () => feed((e) => (checksum ^= e.type === 'log' ? 0 : 1)),
  'tty renderer': async () => {
    const r = createTtyRenderer({ out: sink, env: { FORCE_COLOR: '1' } });
    const seconds = await feed((e) => r.event(e));
    r.close();
    return seconds;
  },
  'plain renderer': async () => {
    const r = createPlainRenderer({ out: sink, progressInterval: 100 });
    const seconds = await feed((e) => r.event(e));
    r.close();
    return seconds;
  },
};

const best: Record<string, number> = {};
for (let round = 0; round < repeat; round++) {
  for (const [name, run] of Object.entries(arms)) {
    const seconds = await run();
    best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, seconds);
  }
}

const events = tasks * 4 + 2;
const baseline = best['no-op listener']!;
console.log(
  `${tasks.toLocaleString('en')} task lifecycles (${events.toLocaleString('en')} events), best of ${repeat}`,
);
printTable(
  ['listener', 'seconds', 'events/s', 'time / no-op'],
  Object.entries(best).map(([name, seconds]) => [
    name,
    seconds.toFixed(3),
    Math.round(events / seconds).toLocaleString('en'),
    `${(seconds / baseline).toFixed(2)}x`,
  ]),
);
console.log(
  `(${written.toLocaleString('en')} characters written to the sink; checksum ${checksum})`,
);
