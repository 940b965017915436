import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunEvent, type RunFailedError, startRun } from '@weft/core';
import { describe, expect, it } from 'vitest';
import { DATA_DIR, FLAKY_STATION, formatReport, main } from './workflow.ts';

/** What the data files hold, worked out here without the workflow's code. */
async function expected() {
  const ROW = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ),([^,]+),(-?\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/;
  const files = (await readdir(DATA_DIR)).filter((f) => f.endsWith('.csv')).sort();
  return Promise.all(
    files.map(async (file) => {
      const lines = (await readFile(join(DATA_DIR, file), 'utf8')).split('\n');
      const temps: number[] = [];
      const humidities: number[] = [];
      const rejectedLines: number[] = [];
      lines.forEach((text, i) => {
        if (i === 0 || text === '') return;
        const m = ROW.exec(text);
        const t = Number(m?.[3]);
        const h = Number(m?.[4]);
        const ok =
          m !== null && !Number.isNaN(Date.parse(m[1]!)) && t >= -50 && t <= 60 && h <= 100;
        if (ok) {
          temps.push(t);
          humidities.push(h);
        } else rejectedLines.push(i + 1);
      });
      return { station: file.replace(/\.csv$/, ''), temps, humidities, rejectedLines };
    }),
  );
}

const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

async function runPipeline(dataDir?: string) {
  const events: RunEvent[] = [];
  const handle = startRun(() => main(dataDir), { onEvent: (e) => events.push(e) });
  const report = await handle.result().catch((error: unknown) => error as RunFailedError);
  return { report, events };
}

function startedAttempts(events: readonly RunEvent[]): Map<string, number[]> {
  const attempts = new Map<string, number[]>();
  for (const e of events) {
    if (e.type !== 'started') continue;
    const key = e.label ?? e.name;
    attempts.set(key, [...(attempts.get(key) ?? []), e.attempt]);
  }
  return attempts;
}

describe('the demo pipeline', () => {
  it("reports the data files' numbers", async () => {
    const want = await expected();
    const { report } = await runPipeline();
    if (!('stations' in report)) throw report;
    // The data must keep invalid rows, or cleaning is not shown.
    expect(want.length).toBeGreaterThanOrEqual(3);
    for (const w of want) expect(w.rejectedLines.length).toBeGreaterThan(0);

    expect(report.stations.map((s) => s.station)).toEqual(want.map((w) => w.station));
    report.stations.forEach((s, i) => {
      const w = want[i]!;
      expect(s.readings).toBe(w.temps.length);
      expect(s.rejected).toBe(w.rejectedLines.length);
      expect(s.rejections.map((r) => r.line)).toEqual(w.rejectedLines);
      expect(s.tempMin).toBe(Math.min(...w.temps));
      expect(s.tempMax).toBe(Math.max(...w.temps));
      expect(s.tempMean).toBeCloseTo(total(w.temps) / w.temps.length, 9);
      expect(s.humidityMean).toBeCloseTo(total(w.humidities) / w.humidities.length, 9);
    });

    const temps = want.flatMap((w) => w.temps);
    const humidities = want.flatMap((w) => w.humidities);
    expect(report.total.readings).toBe(temps.length);
    expect(report.total.rejected).toBe(total(want.map((w) => w.rejectedLines.length)));
    expect(report.total.tempMin).toBe(Math.min(...temps));
    expect(report.total.tempMax).toBe(Math.max(...temps));
    expect(report.total.tempMean).toBeCloseTo(total(temps) / temps.length, 9);
    expect(report.total.humidityMean).toBeCloseTo(total(humidities) / humidities.length, 9);

    const table = formatReport(report);
    expect(table).toMatch(new RegExp(`^all +${temps.length} +${report.total.rejected} `, 'm'));
  });

  it('retries the flaky read once, in every run, and runs everything else once', async () => {
    for (let i = 0; i < 2; i++) {
      const { report, events } = await runPipeline();
      expect(report).toHaveProperty('stations');
      const attempts = startedAttempts(events);
      expect(attempts.get(`load:${FLAKY_STATION}`)).toEqual([1, 2]);
      const retried = events.filter((e) => e.type === 'retrying');
      expect(retried.map((e) => 'label' in e && e.label)).toEqual([`load:${FLAKY_STATION}`]);
      for (const [task, list] of attempts) {
        if (task !== `load:${FLAKY_STATION}`) expect(list, task).toEqual([1]);
      }
      // Three tasks per file, and merge.
      expect(attempts.size).toBe(3 * (await expected()).length + 1);
    }
  });

  it('does not retry a file with the wrong header, and names it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-pipeline-'));
    try {
      await writeFile(join(dir, 'broken.csv'), 'when,where,what\n1,2,3\n');
      const { report } = await runPipeline(dir);
      expect(report).toMatchObject({ code: 'WEFT_RUN_FAILED' });
      expect((report as RunFailedError).failures).toMatchObject([
        { name: 'load', label: 'load:broken', attempts: 1, error: { code: 'WEFT_NON_RETRYABLE' } },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
