import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { build, targets } from '@weft/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as rules from './rules.ts';

const DATA = new URL('./data', import.meta.url).pathname;

/** The summary worked out here, without the pipeline: reads found on each chromosome. */
function expected(): string {
  const genome = readFileSync(join(DATA, 'ref/genome.fa'), 'utf8').split('>').filter(Boolean);
  const chroms = genome.map((block) => {
    const [name, ...lines] = block.trim().split('\n');
    return [name!, lines.join('')] as const;
  });
  const rows: string[] = [];
  for (const sample of ['brain', 'liver']) {
    const lines = readFileSync(join(DATA, `reads/${sample}.fq`), 'utf8').split('\n');
    const reads = lines.filter((_, i) => i % 4 === 1);
    for (const [name, seq] of chroms) {
      rows.push(`${sample}\t${name}\t${reads.filter((r) => r !== '' && seq.includes(r)).length}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

let home: string;
let dir: string;
beforeEach(() => {
  home = process.cwd();
  dir = mkdtempSync(join(tmpdir(), 'weft-example-targets-'));
  cpSync(DATA, join(dir, 'data'), { recursive: true });
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

const running = (p: targets.Plan) =>
  [...p.jobs()].filter((j) => j.runs).map((j) => `${j.target}: ${j.reason}`);

describe('the targets example', () => {
  it('detects gzip, then builds the compressed summary through the checkpoint', async () => {
    const report = await build('tools.detected', { rules, record: false });
    // tools, chroms.txt, 3 chromosomes, 6 hits, 2 counts, summary, compressed.
    expect(report.ran).toBe(15);
    expect(gunzipSync(readFileSync('work/summary.tsv.gz')).toString()).toBe(expected());
    // Up to date now, but for the detection, which runs every time.
    expect(running(targets.plan('tools.detected', { rules }))).toEqual([
      'tools.detected: it always runs',
    ]);
    const again = await build('tools.detected', { rules, record: false });
    expect(again).toMatchObject({ ran: 1, upToDate: 14 });
  });

  it('chooses how to find reads by the aligner coordinate: the summary comes out the same', async () => {
    await build('work/summary.tsv', { rules, record: false });
    const plan = targets.plan('work/summary.tsv', { rules, coordinates: { aligner: 'kmer' } });
    expect(running(plan)).toEqual([
      'work/hits/brain/chr1.txt: the coordinates chose another implementation (kmer; it was built by exact)',
      'work/hits/brain/chr2.txt: the coordinates chose another implementation (kmer; it was built by exact)',
      'work/hits/brain/chrM.txt: the coordinates chose another implementation (kmer; it was built by exact)',
      'work/counts/brain.tsv: it needs work/hits/brain/chr1.txt, which runs first',
      'work/hits/liver/chr1.txt: the coordinates chose another implementation (kmer; it was built by exact)',
      'work/hits/liver/chr2.txt: the coordinates chose another implementation (kmer; it was built by exact)',
      'work/hits/liver/chrM.txt: the coordinates chose another implementation (kmer; it was built by exact)',
      'work/counts/liver.tsv: it needs work/hits/liver/chr1.txt, which runs first',
      'work/summary.tsv: it needs work/counts/brain.tsv, which runs first',
    ]);
    const report = await build('work/summary.tsv', {
      rules,
      record: false,
      coordinates: { aligner: 'kmer' },
    });
    expect(report).toMatchObject({ ran: 8, skipped: 1 });
    expect(readFileSync('work/summary.tsv', 'utf8')).toBe(expected());
  });

  it('compresses by node:zlib when gzip is not there, and needs the coordinate to choose', async () => {
    await build('work/summary.tsv.gz', { rules, record: false, coordinates: { gzip: false } });
    expect(gunzipSync(readFileSync('work/summary.tsv.gz')).toString()).toBe(expected());
    expect(() => targets.plan('work/summary.tsv.gz', { rules })).toThrow(
      `rule compressed has no implementation for "work/summary.tsv.gz" under the coordinates { platform: '${process.platform}', arch: '${process.arch}' }; its implementations: gzip (when gzip = true); zlib (when gzip = false)`,
    );
  });
});
