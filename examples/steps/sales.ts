/**
 * A small sales report as a graph of steps and products:
 *
 *   load     reads the CSV (`--param csv=...`, default data/sales.csv) -> rows
 *   regions  the regions found in the rows                              -> regions
 *   totals   each region's total, one task per region (a step submits
 *            tasks, and hands a product to submit as a future)          -> totals
 *   report   the report file                                            -> work/report.txt
 *
 * Every step is cached (skip if redundant: `load` names the CSV as its raw
 * input, so an edited CSV is a cache miss) and waits for its producers;
 * `totals` runs on the executor's pool `heavy` when it has one (with one
 * executor: a warning, and it runs where the others do) and retries twice;
 * every step is timed by a behaviour of this module's own.
 *
 *   cd examples/steps
 *   npx weft graph sales.ts
 *   npx weft run sales.ts
 *   npx weft run sales.ts --param csv=data/sales.csv --executor threads
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gather, graph, onPool, product, step, steps, submit, task } from '@weft/core';

export interface Row {
  readonly region: string;
  readonly item: string;
  readonly amount: number;
}

const sales = graph('sales');

export const rows = product<Row[]>('rows');
export const regions = product<string[]>('regions');
export const totals = product<Record<string, number>>('totals');
export const report = product('report', { file: 'work/report.txt' });

/** Logs how long the rest of the chain and the step took. */
const timed = steps.behaviour('timed', async (ctx, next) => {
  const t0 = performance.now();
  await next();
  ctx.log.info(`${ctx.step} took ${(performance.now() - t0).toFixed(1)} ms`);
});

const csvOf = (params: Readonly<Record<string, unknown>>): string =>
  String(params.csv ?? 'data/sales.csv');

/** The total of one region's rows: a task of its own. */
export const regionTotal = task('sales.region-total', (_ctx, region: string, all: Row[]) =>
  all.filter((r) => r.region === region).reduce((sum, r) => sum + r.amount, 0),
);

export const load = step(
  'load',
  sales,
  async (ctx) => {
    const [header, ...lines] = (await readFile(csvOf(ctx.params), 'utf8')).trim().split('\n');
    if (header !== 'region,item,amount') throw new Error(`unexpected header: ${header}`);
    return lines.map((line): Row => {
      const [region, item, amount] = line.split(',');
      return { region: region!, item: item!, amount: Number(amount) };
    });
  },
  { inputs: (params) => [csvOf(params)] },
).produces(rows);

export const findRegions = step('regions', sales, (ctx) =>
  [...new Set(ctx.get(rows).map((r) => r.region))].sort(),
)
  .consumes(rows)
  .produces(regions);

export const sumRegions = onPool('heavy')(
  step(
    'totals',
    sales,
    async (ctx) => {
      const names = ctx.get(regions);
      // rows.future(): the product this step consumes, as a future for submit.
      const sums = await gather(names.map((r) => submit(regionTotal, r, rows.future())));
      return Object.fromEntries(names.map((r, i) => [r, sums[i]!]));
    },
    { retries: 2 },
  )
    .consumes(rows, regions)
    .produces(totals),
);

export const writeReport = step('report', sales, async (ctx) => {
  const path = ctx.path(report);
  const lines = Object.entries(ctx.get(totals)).map(([r, t]) => `${r.padEnd(8)}${t}`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${lines.join('\n')}\n`);
})
  .consumes(totals)
  .produces(report);

for (const s of [load, findRegions, sumRegions, writeReport]) s.use(timed);

export default sales;
