/**
 * @module
 * The demo pipeline: weather-station measurements in CSV files
 * (`time,sensor,temp_c,humidity_pct`, one file per station) are loaded in
 * parallel, cleaned of invalid rows, summarized per station, and merged into
 * one report.
 *
 *     load ─ clean ─ summarize ─┐
 *     load ─ clean ─ summarize ─┼─ merge
 *     load ─ clean ─ summarize ─┘
 *
 * The harbor station's file sits on a flaky share: its first read in each run
 * fails, and `load` retries it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Future, NonRetryableError, submit, task } from '@weft/core';

/** The CSV files shipped with the example. */
export const DATA_DIR: string = fileURLToPath(new URL('./data/', import.meta.url));

/** The station whose first read fails in every run. */
export const FLAKY_STATION = 'harbor';

const HEADER = 'time,sensor,temp_c,humidity_pct';
const TEMP_RANGE = [-50, 60] as const;
const HUMIDITY_RANGE = [0, 100] as const;

export interface RawFile {
  readonly station: string;
  /** Data lines with their line numbers in the file (the header is line 1). */
  readonly lines: readonly { readonly line: number; readonly text: string }[];
}

export interface Reading {
  readonly time: string;
  readonly sensor: string;
  readonly tempC: number;
  readonly humidityPct: number;
}

export interface Rejection {
  readonly station: string;
  readonly line: number;
  readonly reason: string;
}

export interface CleanFile {
  readonly station: string;
  readonly readings: readonly Reading[];
  readonly rejections: readonly Rejection[];
}

/** Statistics of valid readings. */
export interface Stats {
  readonly readings: number;
  readonly rejected: number;
  readonly tempMin: number;
  readonly tempMean: number;
  readonly tempMax: number;
  readonly humidityMean: number;
}

export interface StationSummary extends Stats {
  readonly station: string;
  readonly rejections: readonly Rejection[];
}

export interface Report {
  readonly stations: readonly StationSummary[];
  /** All stations together. */
  readonly total: Stats;
}

/** Reads per run and station: the flaky share drops the first one. */
const reads = new Map<string, number>();

export const load = task(
  { name: 'load', retries: 2, backoff: { initial: '20ms' } },
  async (ctx, path: string): Promise<RawFile> => {
    const station = basename(path, '.csv');
    const key = `${ctx.runId}/${station}`;
    const n = (reads.get(key) ?? 0) + 1;
    reads.set(key, n);
    if (station === FLAKY_STATION && n === 1) {
      throw Object.assign(new Error(`read ${station}.csv: connection reset by peer (simulated)`), {
        code: 'ECONNRESET',
      });
    }
    const text = await readFile(path, { encoding: 'utf8', signal: ctx.signal });
    const [header, ...rest] = text.split(/\r?\n/);
    if (header?.trim() !== HEADER) {
      // A wrong layout will not fix itself: do not retry.
      throw new NonRetryableError(`${path}: expected the header "${HEADER}", got "${header}"`);
    }
    const lines = rest
      .map((line, i) => ({ line: i + 2, text: line }))
      .filter((l) => l.text.trim() !== '');
    ctx.log.info('loaded', { station, lines: lines.length });
    return { station, lines };
  },
);

export const clean = task('clean', async (_ctx, raw: RawFile): Promise<CleanFile> => {
  const readings: Reading[] = [];
  const rejections: Rejection[] = [];
  for (const { line, text } of raw.lines) {
    const result = parseReading(text);
    if (typeof result === 'string') rejections.push({ station: raw.station, line, reason: result });
    else readings.push(result);
  }
  return { station: raw.station, readings, rejections };
});

export const summarize = task(
  'summarize',
  async (_ctx, file: CleanFile): Promise<StationSummary> => {
    const temps = file.readings.map((r) => r.tempC);
    return {
      station: file.station,
      readings: file.readings.length,
      rejected: file.rejections.length,
      tempMin: Math.min(...temps),
      tempMean: mean(temps),
      tempMax: Math.max(...temps),
      humidityMean: mean(file.readings.map((r) => r.humidityPct)),
      rejections: file.rejections,
    };
  },
);

export const merge = task(
  'merge',
  async (_ctx, stations: readonly StationSummary[]): Promise<Report> => {
    const readings = stations.reduce((n, s) => n + s.readings, 0);
    // Means of all readings, not of the stations' means.
    const weighted = (pick: (s: StationSummary) => number): number =>
      stations.reduce((acc, s) => acc + pick(s) * s.readings, 0) / readings;
    return {
      stations,
      total: {
        readings,
        rejected: stations.reduce((n, s) => n + s.rejected, 0),
        tempMin: Math.min(...stations.map((s) => s.tempMin)),
        tempMean: weighted((s) => s.tempMean),
        tempMax: Math.max(...stations.map((s) => s.tempMax)),
        humidityMean: weighted((s) => s.humidityMean),
      },
    };
  },
);

/**
 * The workflow: one branch per CSV file in `dataDir`, merged into a report.
 * @example
 * const report = await run(() => main());
 */
export async function main(dataDir: string = DATA_DIR): Promise<Future<Report>> {
  const files = (await readdir(dataDir)).filter((f) => f.endsWith('.csv')).sort();
  if (files.length === 0) throw new Error(`no .csv files in ${dataDir}`);
  const summaries = files.map((file) => {
    const station = basename(file, '.csv');
    const raw = submit(load.with({ label: `load:${station}` }), join(dataDir, file));
    const cleaned = submit(clean.with({ label: `clean:${station}` }), raw);
    return submit(summarize.with({ label: `summarize:${station}` }), cleaned);
  });
  return submit(merge, summaries);
}

/** A reading, or why the line is not one. */
function parseReading(text: string): Reading | string {
  const fields = text.split(',').map((f) => f.trim());
  if (fields.length !== 4) return `expected 4 fields, got ${fields.length}`;
  const [time, sensor, temp, humidity] = fields as [string, string, string, string];
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(time) || Number.isNaN(Date.parse(time))) {
    return `time "${time}" is not an ISO 8601 UTC timestamp`;
  }
  if (sensor === '') return 'sensor is empty';
  const tempC = parseNumber(temp, 'temp_c', TEMP_RANGE);
  if (typeof tempC === 'string') return tempC;
  const humidityPct = parseNumber(humidity, 'humidity_pct', HUMIDITY_RANGE);
  if (typeof humidityPct === 'string') return humidityPct;
  return { time, sensor, tempC, humidityPct };
}

function parseNumber(
  text: string,
  column: string,
  [min, max]: readonly [number, number],
): number | string {
  if (text === '') return `${column} is empty`;
  const n = Number(text);
  if (!Number.isFinite(n)) return `${column} "${text}" is not a number`;
  if (n < min || n > max) return `${column} ${text} is outside ${min}..${max}`;
  return n;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The report as a table, with the rejected rows under it. */
export function formatReport(report: Report): string {
  const head = ['station', 'readings', 'rejected', 'min °C', 'mean °C', 'max °C', 'mean RH %'];
  const row = (station: string, s: Stats): string[] => [
    station,
    String(s.readings),
    String(s.rejected),
    s.tempMin.toFixed(1),
    s.tempMean.toFixed(1),
    s.tempMax.toFixed(1),
    s.humidityMean.toFixed(1),
  ];
  const rows = [head, ...report.stations.map((s) => row(s.station, s)), row('all', report.total)];
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const format = (r: string[]): string =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const lines = [format(head), rule, ...rows.slice(1, -1).map(format), rule, format(rows.at(-1)!)];
  const rejections = report.stations.flatMap((s) => s.rejections);
  if (rejections.length > 0) {
    lines.push('', 'rejected rows:');
    for (const r of rejections) lines.push(`  ${r.station}.csv line ${r.line}: ${r.reason}`);
  }
  return lines.join('\n');
}

/** The workflow as the weft command runs it: `npx weft run examples/pipeline/workflow.ts`. */
export default function workflow(params: { dataDir?: string } = {}): Promise<Future<Report>> {
  return main(params.dataDir);
}
