/**
 * Exporting runs as WfFormat 1.5: any recorded run (futures, children,
 * labels WfFormat's ids do not allow) validates against the 1.5 schema, and
 * an imported instance, run and exported, keeps its tasks, edges, names and
 * files.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireSqliteStore, run, submit, task, WfFormatExportError, wfformat } from '@weft/core';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { thrown } from './helpers.ts';

const FIXTURES = new URL('./fixtures/wfformat/', import.meta.url);
const path = (version: string) => new URL(`v${version}.json`, FIXTURES).pathname;

// The schema as WfCommons publishes it, checked here with ajv directly.
const schema = JSON.parse(
  readFileSync(new URL('../src/frontends/wfformat/schemas/v1.5.json', import.meta.url), 'utf8'),
);
const validate = new Ajv({ strict: false, allErrors: true, validateSchema: false }).compile(schema);

async function storeFile(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'weft-wf-export-')), 'weft.db');
}

/** The run `runId` of the SQLite file `file`, exported. */
function exported(file: string, runId: string, instance?: wfformat.WfInstance) {
  const { store, release } = acquireSqliteStore(file);
  try {
    return wfformat.exportRun(store, runId, instance === undefined ? {} : { instance });
  } finally {
    release();
  }
}

function expectValid(doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

const edgesOf = (i: wfformat.WfInstance) =>
  i.tasks.flatMap((t) => t.parents.map((p) => `${i.tasks[p]!.id}>${t.id}`)).sort();

const load = task('export.load', async (_ctx, name: string) => `${name}:data`);
const merge = task('export.merge', async (_ctx, ...parts: string[]) => parts.join('+'));
const parent = task('export.parent', async (_ctx, n: number) => {
  const kids = Array.from({ length: n }, (_, i) => submit(load, `kid${i}`));
  return (await Promise.all(kids)).length;
});

describe('weft export as WfFormat 1.5', () => {
  it('writes any run: futures, children and labels WfFormat ids do not allow', async () => {
    const file = await storeFile();
    let runId = '';
    await run(
      async () => {
        const a = submit(load.with({ label: 'load a/b (first)' }), 'a');
        const b = submit(load, 'b');
        submit(parent, 2);
        return submit(merge.with({ label: 'merge', requirements: { cpus: 2 } }), a, b);
      },
      { store: file, onEvent: (e) => (runId = e.runId) },
    );
    const doc = exported(file, runId) as {
      name: string;
      schemaVersion: string;
      runtimeSystem: { name: string };
      workflow: {
        specification: {
          tasks: { id: string; name: string; parents: string[]; children: string[] }[];
        };
        execution: {
          makespanInSeconds: number;
          tasks: {
            id: string;
            runtimeInSeconds: number;
            coreCount?: number;
            machines?: string[];
          }[];
          machines: { nodeName: string }[];
        };
      };
    };
    expectValid(doc);
    expect(doc.schemaVersion).toBe('1.5');
    expect(doc.runtimeSystem.name).toBe('weft');
    const spec = doc.workflow.specification.tasks;
    expect(spec.map((t) => t.id)).toEqual([
      'load_a_b__first_',
      'export.load_1',
      'export.parent_2',
      'merge',
      'export.load_4',
      'export.load_5',
    ]);
    const merged = spec.find((t) => t.id === 'merge')!;
    expect(merged.parents).toEqual(['load_a_b__first_', 'export.load_1']);
    expect(spec.find((t) => t.id === 'export.load_1')!.children).toEqual(['merge']);
    expect(merged.name).toBe('export.merge');
    const exec = doc.workflow.execution;
    expect(exec.tasks.find((t) => t.id === 'merge')!.coreCount).toBe(2);
    expect(exec.tasks.every((t) => t.runtimeInSeconds >= 0)).toBe(true);
    expect(exec.machines).toHaveLength(1);
    expect(exec.tasks[0]!.machines).toEqual([exec.machines[0]!.nodeName]);
  });

  it('refuses a run without tasks, saying why', async () => {
    const file = await storeFile();
    let runId = '';
    await run(async () => 1, { store: file, onEvent: (e) => (runId = e.runId) });
    const error = thrown(() => exported(file, runId));
    expect(error).toBeInstanceOf(WfFormatExportError);
    expect((error as Error).message).toBe(
      `run ${runId} cannot be exported as WfFormat: it has no tasks, and an instance needs at least one`,
    );
  });

  it.each(['1.0', '1.2', '1.5'])(
    'keeps the tasks, edges, names and files of an imported %s instance',
    async (version) => {
      const file = await storeFile();
      const instance = await wfformat.readInstance(path(version));
      const { runId } = await wfformat.run(
        wfformat.workflowOf(instance, {}, path(version)),
        { cores: 2, timeScale: 0 },
        { store: file },
      );
      const doc = exported(file, runId, instance);
      expectValid(doc);
      const back = await wfformat.parseInstance(doc, 'exported.json');
      expect(back.tasks.map((t) => t.id).sort()).toEqual(instance.tasks.map((t) => t.id).sort());
      expect(edgesOf(back)).toEqual(edgesOf(instance));
      const name = (i: wfformat.WfInstance, id: string) => i.tasks.find((t) => t.id === id)!.name;
      for (const t of instance.tasks) expect(name(back, t.id)).toBe(t.name);
      const merge = back.tasks.find((t) => t.id === 'merge_ID0000004')!;
      expect([...merge.inputs].sort()).toEqual(['aligned1', 'aligned2']);
      expect(back.files.get('merged')).toBe(150);
      expect(back.tasks.find((t) => t.id === 'align_ID0000003')!.cores).toBe(2);
      expect(back.name).toBe('diamond');
    },
  );

  it('finds the instance a run imported from the run it recorded', async () => {
    const file = await storeFile();
    const { runId } = await wfformat.run(path('1.4'), { timeScale: 0, cores: 2 }, { store: file });
    const { store, release } = acquireSqliteStore(file);
    try {
      const record = store.run(runId)!;
      expect(record.workflow).toBe(path('1.4'));
      expect(record.params).toMatchObject({ timeScale: 0, cores: 2, mode: 'simulate' });
      const instance = await wfformat.importedInstance(record);
      expect(instance?.schemaVersion).toBe('1.4');
    } finally {
      release();
    }
  });
});
