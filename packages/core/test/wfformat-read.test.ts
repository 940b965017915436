/**
 * Reading WfFormat instances: one five-task diamond written in every schema
 * version (fixtures/wfformat/v1.0 to v1.5: `jobs` and `tasks` layouts,
 * specification/execution, parents by name and by id, children only,
 * tasks out of topological order, `runtime` and `runtimeInSeconds`, files
 * with sizes) reads to the same graph; malformed files get errors that name
 * the task and the field; the plan's priorities and lower bound.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  WfFormatInstanceError,
  WfFormatReadError,
  WfFormatSchemaError,
  WfFormatVersionError,
  wfformat,
} from '@weft/core';
import { describe, expect, it } from 'vitest';
import { rejection } from './helpers.ts';

const FIXTURES = new URL('./fixtures/wfformat/', import.meta.url);
const VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5'] as const;

/** A fixture's JSON, to change before parsing. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited freely.
function fixture(version: string): any {
  return JSON.parse(readFileSync(new URL(`v${version}.json`, FIXTURES), 'utf8'));
}

const path = (version: string) => new URL(`v${version}.json`, FIXTURES).pathname;

/** The edges as `parent>child` by task id. */
function edges(instance: wfformat.WfInstance): string[] {
  return instance.tasks
    .flatMap((t) => t.parents.map((p) => `${instance.tasks[p]!.id}>${t.id}`))
    .sort();
}

const DIAMOND_EDGES = [
  'align_ID0000002>merge_ID0000004',
  'align_ID0000003>merge_ID0000004',
  'merge_ID0000004>report_ID0000005',
  'split_ID0000001>align_ID0000002',
  'split_ID0000001>align_ID0000003',
];

async function failure(doc: unknown): Promise<Error> {
  return (await rejection(wfformat.parseInstance(doc, 'bad.json'))) as Error;
}

describe('every schema version', () => {
  it.each(VERSIONS)('reads the %s fixture to the same graph, in topological order', async (v) => {
    const instance = await wfformat.readInstance(path(v));
    expect(instance.schemaVersion).toBe(v);
    expect(instance.name).toBe('diamond');
    expect(instance.tasks.map((t) => t.id).sort()).toEqual([
      'align_ID0000002',
      'align_ID0000003',
      'merge_ID0000004',
      'report_ID0000005',
      'split_ID0000001',
    ]);
    expect(edges(instance)).toEqual(DIAMOND_EDGES);
    expect(instance.edges).toBe(5);
    // The files list the report first; every task comes after its parents.
    instance.tasks.forEach((t, i) => {
      for (const p of t.parents) expect(p).toBeLessThan(i);
      for (const c of t.children) expect(c).toBeGreaterThan(i);
    });
    const byId = new Map(instance.tasks.map((t) => [t.id, t]));
    expect(byId.get('align_ID0000003')!.runtimeSeconds).toBe(3);
    expect(byId.get('report_ID0000005')!.runtimeSeconds).toBe(0.5);
    expect(byId.get('align_ID0000003')!.cores).toBe(2);
    expect([...byId.get('merge_ID0000004')!.inputs].sort()).toEqual(['aligned1', 'aligned2']);
    expect(byId.get('merge_ID0000004')!.outputs).toEqual(['merged']);
    expect(instance.files.get('merged')).toBe(150);
    expect(instance.files.get('input.txt')).toBe(100);
    expect(instance.makespanSeconds).toBe(7.25);
    expect(instance.runtimeSystem?.name).toBe('TestWMS');
    expect(instance.machines[0]).toMatchObject({ nodeName: 'node-1', cpu: { coreCount: 8 } });
  });

  it('keys tasks by name up to 1.4 (keeping the short id) and by id in 1.5', async () => {
    const old = await wfformat.readInstance(path('1.3'));
    const merge = old.tasks.find((t) => t.id === 'merge_ID0000004')!;
    expect(merge).toMatchObject({ name: 'merge_ID0000004', shortId: 'ID0000004' });
    expect(merge.category).toBe('merge');
    const modern = await wfformat.readInstance(path('1.5'));
    expect(modern.tasks.find((t) => t.id === 'merge_ID0000004')!.name).toBe('merge');
  });

  it('converts the units of older versions: memory in KB, machines in 1.5 terms', async () => {
    const instance = await wfformat.readInstance(path('1.0'));
    expect(instance.tasks[0]!.memoryInBytes).toBe(2000 * 1024);
    expect(instance.machines[0]).toEqual({
      nodeName: 'node-1',
      system: 'linux',
      architecture: 'x86_64',
      release: '5.4',
      memoryInBytes: 16000000 * 1024,
      cpu: { coreCount: 8, speedInMHz: 2400, vendor: 'GenuineIntel' },
    });
  });

  it('reads runtimeInSeconds in a file of an older version, and runtime in a 1.4 file', async () => {
    const doc = fixture('1.3');
    for (const t of doc.workflow.tasks) {
      t.runtimeInSeconds = t.runtime * 10;
      delete t.runtime;
    }
    const instance = await wfformat.parseInstance(doc);
    expect(instance.tasks.find((t) => t.id === 'split_ID0000001')!.runtimeSeconds).toBe(10);
  });

  it('uses children when a file gives only them, and each edge once when it gives both', async () => {
    const doc = fixture('1.5');
    for (const t of doc.workflow.specification.tasks) t.parents = [];
    const onlyChildren = await wfformat.parseInstance(doc);
    expect(edges(onlyChildren)).toEqual(DIAMOND_EDGES);
    // v1.1 lists the merge -> report edge only among merge's children.
    expect((await wfformat.readInstance(path('1.1'))).edges).toBe(5);
  });

  it('keys Nextflow-style tasks, whose name many tasks share, by id', async () => {
    const doc = fixture('1.5');
    for (const t of doc.workflow.specification.tasks) t.name = 'NFCORE:PROCESS';
    const instance = await wfformat.parseInstance(doc);
    expect(edges(instance)).toEqual(DIAMOND_EDGES);
  });
});

describe('malformed files', () => {
  it('says a file is not JSON, or cannot be read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-wf-'));
    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": "1.5",');
    const e1 = await rejection(wfformat.readInstance(join(dir, 'broken.json')));
    expect(e1).toBeInstanceOf(WfFormatReadError);
    expect((e1 as Error).message).toContain(`${join(dir, 'broken.json')}: not JSON`);
    const e2 = await rejection(wfformat.readInstance(join(dir, 'absent.json')));
    expect((e2 as Error).message).toMatch(/could not read the WfFormat instance .*absent\.json/);
  });

  it('names a missing or unknown schema version, and the versions weft reads', async () => {
    const none = await failure({ name: 'x', workflow: {} });
    expect(none).toBeInstanceOf(WfFormatVersionError);
    expect(none.message).toBe(
      'bad.json has no schemaVersion (is it a WfFormat instance?); weft reads WfFormat versions 1.0, 1.1, 1.2, 1.3, 1.4, 1.5',
    );
    const doc = fixture('1.5');
    doc.schemaVersion = '2.0';
    expect((await failure(doc)).message).toContain('bad.json has schemaVersion "2.0"');
  });

  it('names the task and the field that break the schema, and counts the other problems', async () => {
    const doc = fixture('1.2');
    const align = doc.workflow.jobs.find((j: { name: string }) => j.name === 'align_ID0000002');
    align.runtime = 'fast';
    align.parents[0] = 'split ID0000001';
    const e = (await failure(doc)) as WfFormatSchemaError;
    expect(e).toBeInstanceOf(WfFormatSchemaError);
    expect(e.task).toBe('align_ID0000002');
    expect(e.message).toMatch(/^bad\.json: task "align_ID0000002", field (parents\[0\]|runtime): /);
    expect(e.message).toContain('against the WfFormat 1.2 schema (and 1 more problem)');
    expect(e.more).toBe(1);
  });

  it('names a field the task lacks, and a document-level field', async () => {
    const doc = fixture('1.0');
    delete doc.workflow.jobs[1].runtime;
    const e = await failure(doc);
    expect(e.message).toBe(
      `bad.json: task "${doc.workflow.jobs[1].name}", field runtime: is missing (required), against the WfFormat 1.0 schema`,
    );
    const modern = fixture('1.5');
    delete modern.workflow.execution.makespanInSeconds;
    expect((await failure(modern)).message).toBe(
      'bad.json: field workflow.execution.makespanInSeconds: is missing (required), against the WfFormat 1.5 schema',
    );
    const exec = fixture('1.5');
    exec.workflow.execution.tasks[0].runtimeInSeconds = '1s';
    expect((await failure(exec)).message).toContain(
      `task "${exec.workflow.execution.tasks[0].id}", field (execution).runtimeInSeconds: must be number (found "1s")`,
    );
  });

  it('names a parent that is no task of the instance', async () => {
    const doc = fixture('1.4');
    doc.workflow.tasks.find((t: { name: string }) => t.name === 'merge_ID0000004').parents = [
      'align_ID0000002',
      'align_ID0000009',
    ];
    const e = await failure(doc);
    expect(e).toBeInstanceOf(WfFormatInstanceError);
    expect(e.message).toBe(
      'bad.json: task "merge_ID0000004", field parents[1]: names "align_ID0000009", which is no task of the instance',
    );
  });

  it('names a task key two tasks share', async () => {
    const doc = fixture('1.5');
    doc.workflow.specification.tasks[1].id = doc.workflow.specification.tasks[0].id;
    const e = await failure(doc);
    expect(e.message).toContain(
      `task "${doc.workflow.specification.tasks[0].id}", field id: two tasks have it (workflow.specification.tasks[0] and workflow.specification.tasks[1])`,
    );
  });

  it('names the tasks of a cycle, in order', async () => {
    const doc = fixture('1.3');
    const split = doc.workflow.tasks.find((t: { name: string }) => t.name === 'split_ID0000001');
    split.parents = ['merge_ID0000004'];
    const e = await failure(doc);
    expect(e).toBeInstanceOf(WfFormatInstanceError);
    expect(e.message).toMatch(/field parents: the tasks form a cycle: (\S+ -> ){3}\S+$/);
    for (const t of ['split_ID0000001', 'merge_ID0000004']) expect(e.message).toContain(t);
    expect(e.message).not.toContain('report_ID0000005');
  });

  it('refuses a negative runtime, and an execution record of an unknown task', async () => {
    const doc = fixture('1.3');
    doc.workflow.tasks[0].runtime = -1;
    expect((await failure(doc)).message).toBe(
      `bad.json: task "${doc.workflow.tasks[0].name}", field runtime: must be 0 or more seconds (found -1)`,
    );
    const modern = fixture('1.5');
    modern.workflow.execution.tasks[2].id = 'ghost';
    expect((await failure(modern)).message).toBe(
      'bad.json: task "ghost", field workflow.execution.tasks[2].id: has an execution record, but workflow.specification.tasks has no task with this id',
    );
  });

  it('refuses children of the wrong type in a version whose schema does not know them', async () => {
    const doc = fixture('1.1');
    doc.workflow.jobs[0].children = 'merge_ID0000004';
    expect((await failure(doc)).message).toContain('field children: must be a list of task names');
  });
});

describe('the plan', () => {
  it('ranks tasks by longest remaining path and bounds the makespan', async () => {
    const wf = wfformat.workflowOf(await wfformat.readInstance(path('1.5')), { cores: 2 });
    const plan = wf.plan();
    const priority = (id: string) =>
      plan.priorities[wf.instance.tasks.findIndex((t) => t.id === id)];
    // Remaining paths: split 6, align_3 5, align_2 4, merge 2, report 0.5.
    expect(
      [
        'split_ID0000001',
        'align_ID0000003',
        'align_ID0000002',
        'merge_ID0000004',
        'report_ID0000005',
      ].map(priority),
    ).toEqual([4, 3, 2, 1, 0]);
    expect(plan.weights).toBe('runtime');
    expect(plan.criticalPathSeconds).toBe(6);
    expect(plan.workSeconds).toBe(11); // align_3 takes 2 cores for 3 s
    // The aligns' 8 core-seconds fit only between split's end (1 s) and merge's start (2 s
    // before the end): 1 + 8 / 2 + 2, more than the critical path.
    expect(plan.lowerBoundSeconds).toBe(7);
    expect(plan.lowerBoundBy).toBe('ramps');
    // align_3 takes both cores, so the aligns run one after the other: 1 + 3 + 2 + 1.5 + 0.5.
    expect(plan.estimateSeconds).toBe(8);
    const scaled = wf.plan({ timeScale: 0.5, cores: 1 });
    // On 1 core align_3 takes that core: work (1 + 2 + 3 + 1.5 + 0.5) * 0.5, all in a row.
    expect(scaled.clampedTasks).toBe(1);
    expect(scaled.lowerBoundSeconds).toBe(4);
    expect(scaled.estimateSeconds).toBe(4);
    expect([...wf.plan({ order: 'fifo' }).priorities]).toEqual([0, 0, 0, 0, 0]);
  });

  it('counts tasks on the path when a runtime is missing', async () => {
    const doc = fixture('1.3');
    delete doc.workflow.tasks[0].runtime;
    const wf = wfformat.workflowOf(await wfformat.parseInstance(doc), { cores: 4 });
    const plan = wf.plan();
    expect(plan.weights).toBe('count');
    const split = wf.instance.tasks.findIndex((t) => t.id === 'split_ID0000001');
    expect(plan.remaining[split]).toBe(4); // split, an align, merge, report
  });
});
