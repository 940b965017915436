/**
 * Running WfFormat instances: the workflow `load` returns runs under `run`
 * and `wfformat.run`, each task after its parents, labelled with its id,
 * asking for its recorded cores, with its longest-path priority; `files`
 * mode writes outputs with their (capped) sizes and fails a task whose
 * input is missing; the report at the end.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidOptionError, NoActiveRunError, RunFailedError, run, wfformat } from '@weft/core';
import { describe, expect, it } from 'vitest';
import { recorder, rejection } from './helpers.ts';

const FIXTURES = new URL('./fixtures/wfformat/', import.meta.url);
const path = (version: string) => new URL(`v${version}.json`, FIXTURES).pathname;

// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely.
function fixture(version: string): any {
  return JSON.parse(readFileSync(new URL(`v${version}.json`, FIXTURES), 'utf8'));
}

describe('an instance run as a workflow', () => {
  it('runs under run(): every task after its parents, labelled, with its cores, and reports', async () => {
    const wf = await wfformat.load(path('1.5'), { cores: 2, timeScale: 0.001 });
    const events = recorder();
    const report = await run(wf, {
      record: false,
      executor: { kind: 'inline', resources: { cpus: 2 } },
      onEvent: events.onEvent,
    });
    const submitted = events.ofType('submitted');
    expect(submitted.map((e) => e.label).sort()).toEqual(wf.instance.tasks.map((t) => t.id).sort());
    const idOf = new Map(submitted.map((e) => [e.label!, e.taskId]));
    const start = new Map(events.ofType('started').map((e) => [e.taskId, e.time]));
    const end = new Map(events.ofType('succeeded').map((e) => [e.taskId, e.time]));
    for (const t of wf.instance.tasks) {
      const id = idOf.get(t.id)!;
      const deps = submitted.find((e) => e.taskId === id)!.deps;
      expect(deps.map((d) => submitted.find((e) => e.taskId === d)!.label).sort()).toEqual(
        t.parents.map((p) => wf.instance.tasks[p]!.id).sort(),
      );
      for (const d of deps) expect(start.get(id)!).toBeGreaterThanOrEqual(end.get(d)!);
    }
    const align3 = submitted.find((e) => e.label === 'align_ID0000003')!;
    expect(align3.requirements).toEqual({ cpus: 2 });
    expect(submitted.find((e) => e.label === 'merge_ID0000004')!.requirements).toEqual({ cpus: 1 });
    expect(report).toMatchObject({
      name: 'diamond',
      tasks: 5,
      succeeded: 5,
      unsuccessful: 0,
      cores: 2,
      mode: 'simulate',
      order: 'longest-path',
    });
    expect(report.criticalPathSeconds).toBeCloseTo(0.006, 9);
    expect(report.lowerBoundSeconds).toBeCloseTo(0.007, 9);
    expect(report.recordedMakespanSeconds).toBeCloseTo(0.00725, 9);
    expect(report.ratio).toBe(report.makespanSeconds / report.lowerBoundSeconds);
    expect(wfformat.formatReport(report)).toMatch(
      /^makespan \S+ m?s = \d+\.\d\dx the lower bound 7\.0 ms \(by ramps; critical path 6\.0 ms, work 0\.011 core-s \/ 2 cores\); list schedule without overheads 8\.0 ms; order longest-path; time scale 0\.001$/,
    );
  });

  it('starts the task with the longest remaining path first, or the first listed for fifo', async () => {
    // On one core, after split both aligns are ready: align_3 (3 s, then merge and report)
    // holds up more than align_2, which the file (sorted here) lists first.
    const doc = fixture('1.0');
    doc.workflow.jobs.sort((a: { name: string }, b: { name: string }) =>
      a.name.localeCompare(b.name),
    );
    const wf = wfformat.workflowOf(await wfformat.parseInstance(doc), { cores: 1, timeScale: 0 });
    const order = async (params: wfformat.WfParams) => {
      const events = recorder();
      await wfformat.run(wf, params, { record: false, onEvent: events.onEvent });
      return events.ofType('started').map((e) => e.label);
    };
    expect(await order({})).toEqual([
      'split_ID0000001',
      'align_ID0000003',
      'align_ID0000002',
      'merge_ID0000004',
      'report_ID0000005',
    ]);
    const fifo = await order({ order: 'fifo' });
    expect(fifo.indexOf('align_ID0000002')).toBeLessThan(fifo.indexOf('align_ID0000003'));
  });

  it('gives a task that recorded more cores than the run has all of them, and says so', async () => {
    const events = recorder();
    const { report } = await wfformat.run(
      path('1.5'),
      { cores: 1, timeScale: 0 },
      { record: false, onEvent: events.onEvent },
    );
    expect(report.clampedTasks).toBe(1);
    expect(events.ofType('submitted').every((e) => e.requirements?.cpus === 1)).toBe(true);
    expect(wfformat.formatReport(report)).toContain('1 task recorded more cores than 1');
  });

  it('runs in worker threads, which find its tasks by module and name', async () => {
    const { report } = await wfformat.run(
      path('1.4'),
      { cores: 2, timeScale: 0 },
      { record: false, executor: { kind: 'threads', max: 2 } },
    );
    expect(report.succeeded).toBe(5);
  });

  it('refuses to run outside a run, and refuses bad params, naming them', async () => {
    const wf = await wfformat.load(path('1.2'));
    expect(await rejection(wf())).toBeInstanceOf(NoActiveRunError);
    const bad = (await rejection(
      run(() => wf({ timeScale: -1 }), { record: false }),
    )) as RunFailedError;
    expect(bad.cause).toBeInstanceOf(InvalidOptionError);
    expect((bad.cause as Error).message).toBe(
      'WfFormat run: timeScale must be a number from 0, got -1',
    );
    expect(() => wf.settings({ speed: 2 } as wfformat.WfParams)).toThrow(
      'WfFormat run: unknown parameter speed; it takes mode, timeScale, cores, sizeCap, filesDir, order',
    );
  });
});

describe('files mode', () => {
  it('stages the inputs, writes each output with its size up to the cap', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-wf-files-'));
    const { report } = await wfformat.run(
      path('1.3'),
      { mode: 'files', filesDir: dir, sizeCap: 75, cores: 2, timeScale: 0 },
      { record: false },
    );
    expect(report.succeeded).toBe(5);
    const size = (f: string) => statSync(join(dir, f)).size;
    expect(size('input.txt')).toBe(75); // a workflow input, 100 bytes, capped
    expect(size('part1')).toBe(50);
    expect(size('aligned1')).toBe(70);
    expect(size('aligned2')).toBe(75); // 80, capped
    expect(size('merged')).toBe(75);
    expect(size('report.txt')).toBe(10);
  });

  it('keeps absolute file ids inside the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-wf-files-'));
    const doc = fixture('1.5');
    const rename = (f: string) => (f === 'merged' ? '/work/../c3/merged.bam' : f);
    for (const t of doc.workflow.specification.tasks) {
      t.inputFiles = t.inputFiles.map(rename);
      t.outputFiles = t.outputFiles.map(rename);
    }
    for (const f of doc.workflow.specification.files) f.id = rename(f.id);
    const wf = wfformat.workflowOf(await wfformat.parseInstance(doc), { cores: 2, timeScale: 0 });
    await wfformat.run(wf, { mode: 'files', filesDir: dir }, { record: false });
    expect(statSync(join(dir, 'work', 'c3', 'merged.bam')).size).toBe(150);
  });

  it('fails a task whose input no earlier task wrote, naming the task, the file and the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-wf-files-'));
    const doc = fixture('1.5');
    // split reads what report, which runs after it, writes.
    doc.workflow.specification.tasks
      .find((t: { id: string }) => t.id === 'split_ID0000001')
      .inputFiles.push('report.txt');
    const wf = wfformat.workflowOf(await wfformat.parseInstance(doc), { cores: 2, timeScale: 0 });
    const error = (await rejection(
      wfformat.run(wf, { mode: 'files', filesDir: dir }, { record: false }),
    )) as RunFailedError;
    expect(error).toBeInstanceOf(RunFailedError);
    const failed = error.failures[0]!;
    expect(failed.label).toBe('split_ID0000001');
    expect(failed.error.code).toBe('WEFT_WFFORMAT_INPUT_MISSING');
    expect(failed.error.message).toBe(
      `task "split_ID0000001" did not start: its input file report.txt does not exist at ${join(dir, 'report.txt')} (no task wrote it, and it is not a workflow input)`,
    );
  });
});
