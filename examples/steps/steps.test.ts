import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import sales, { sumRegions } from './sales.ts';

const DATA = new URL('./data', import.meta.url).pathname;

let home: string;
let dir: string;
beforeEach(() => {
  home = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'weft-example-steps-'));
  cpSync(DATA, join(dir, 'data'), { recursive: true });
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

describe('the steps example', () => {
  it('writes each region total, worked out here without the graph', async () => {
    const out = await sales.run({ record: false });
    const expected: Record<string, number> = {};
    for (const line of readFileSync('data/sales.csv', 'utf8').trim().split('\n').slice(1)) {
      const [region, , amount] = line.split(',');
      expected[region!] = (expected[region!] ?? 0) + Number(amount);
    }
    expect(out.totals).toEqual(expected);
    expect(readFileSync('work/report.txt', 'utf8')).toBe('east    20\nnorth   19\nsouth   10\n');
  });

  it('shows its chain, and skips what is cached until the CSV changes', async () => {
    expect(sumRegions.behaviours().map((b) => b.name)).toEqual([
      'cache',
      'wait-for-producers',
      'pool',
      'retry',
      'timed',
    ]);
    const store = join(dir, 'weft.db');
    const cachedIn = async () => {
      const cached: string[] = [];
      await sales.run({ store, onEvent: (e) => e.type === 'cached' && cached.push(e.name) });
      return cached;
    };
    expect(await cachedIn()).toEqual([]);
    expect(await cachedIn()).toEqual([
      'sales.load',
      'sales.regions',
      'sales.totals',
      'sales.report',
    ]);
    writeFileSync('data/sales.csv', 'region,item,amount\nwest,figs,4\n');
    expect(await cachedIn()).toEqual([]);
    expect(readFileSync('work/report.txt', 'utf8')).toBe('west    4\n');
  });
});
