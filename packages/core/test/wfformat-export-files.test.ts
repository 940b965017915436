/**
 * Exporting a run that was not imported keeps the files its tasks wrote,
 * as its records name them: a command's declared outputs (cached or not),
 * a target's file, a step's file product; each task's inputs are the files
 * its dependencies wrote; sizes are the files' own; the document validates
 * against the WfFormat 1.5 schema.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ArtifactStore,
  acquireSqliteStore,
  build,
  type CommandResult,
  command,
  graph,
  product,
  rule,
  run,
  step,
  submit,
  wfformat,
} from '@weft/core';
import { openFsArtifactStore } from '@weft/core/store';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './fixtures/targets/sandbox.ts';

const schema = JSON.parse(
  readFileSync(new URL('../src/frontends/wfformat/schemas/v1.5.json', import.meta.url), 'utf8'),
);
const validate = new Ajv({ strict: false, allErrors: true, validateSchema: false }).compile(schema);

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.close());

interface Doc {
  workflow: {
    specification: {
      tasks: { id: string; name: string; inputFiles?: string[]; outputFiles?: string[] }[];
      files: { id: string; sizeInBytes: number }[];
    };
  };
}

function exported(file: string, runId: string, artifacts?: ArtifactStore): Doc {
  const { store, release } = acquireSqliteStore(file);
  try {
    const doc = wfformat.exportRun(store, runId, artifacts === undefined ? {} : { artifacts });
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    return doc as unknown as Doc;
  } finally {
    release();
  }
}

const taskOf = (doc: Doc, id: string) => {
  const t = doc.workflow.specification.tasks.find((x) => x.id === id);
  expect(t, `task ${id}`).toBeDefined();
  return t!;
};
const sizes = (doc: Doc) =>
  Object.fromEntries(doc.workflow.specification.files.map((f) => [f.id, f.sizeInBytes]));

const write = command('files.write', (dst: string, text: string) => ({
  argv: ['sh', '-c', 'printf %s "$2" > "$1"', 'sh', dst, text],
  outputs: [dst],
}));
const copy = command('files.copy', (from: CommandResult, dst: string) => ({
  argv: ['cp', from.outputs[0]!, dst],
  inputs: [from.outputs[0]!],
  outputs: [dst],
}));

describe('exporting the files of a run that was not imported', () => {
  it("lists a command's declared outputs, cached or not, and its dependencies' as its inputs", async () => {
    const file = join(box.dir, 'weft.db');
    let runId = '';
    await run(
      async () => {
        const a = submit(write.with({ label: 'write' }), join(box.dir, 'a.txt'), 'hello');
        const b = submit(copy.with({ label: 'copy', cache: false }), a, join(box.dir, 'b.txt'));
        await b;
      },
      { store: file, onEvent: (e) => (runId = e.runId) },
    );
    const doc = exported(file, runId);
    expect(taskOf(doc, 'write')).toMatchObject({ inputFiles: [], outputFiles: ['a.txt'] });
    expect(taskOf(doc, 'copy')).toMatchObject({ inputFiles: ['a.txt'], outputFiles: ['b.txt'] });
    expect(sizes(doc)).toEqual({ 'a.txt': 5, 'b.txt': 5 });
  });

  it('reads the outputs of a result kept as an artifact from the artifact store given', async () => {
    const file = join(box.dir, 'weft.db');
    // 100 KB of standard output: the result is over the store's inline limit.
    const loud = command('files.loud', (dst: string) => ({
      argv: ['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x; printf ok > "$1"', 'sh', dst],
      outputs: [dst],
    }));
    let runId = '';
    await run(() => submit(loud.with({ label: 'loud' }), join(box.dir, 'loud.txt')), {
      store: file,
      onEvent: (e) => (runId = e.runId),
    });
    // Without the artifact store the task's result cannot be read: it names no files.
    expect(taskOf(exported(file, runId), 'loud').outputFiles).toBeUndefined();
    const doc = exported(file, runId, openFsArtifactStore(join(box.dir, 'artifacts')));
    expect(taskOf(doc, 'loud')).toMatchObject({ inputFiles: [], outputFiles: ['loud.txt'] });
    expect(sizes(doc)).toEqual({ 'loud.txt': 2 });
  });

  it("lists a target's file, sized, and the files of the targets it needs", async () => {
    const file = join(box.dir, 'weft.db');
    box.write('src.txt', 'abc');
    const rules = [
      rule('upper.txt', {
        name: 'upper',
        needs: 'src.txt',
        run: async ({ input, output }) => {
          await writeFile(output[0]!, box.read(input).toUpperCase().repeat(2));
        },
      }),
      rule('total.txt', {
        name: 'total',
        needs: 'upper.txt',
        run: async ({ input, output }) => writeFile(output[0]!, `${box.read(input)}!`),
      }),
    ];
    let runId = '';
    await build('total.txt', { rules, store: file, onEvent: (e) => (runId = e.runId) });
    const doc = exported(file, runId);
    expect(taskOf(doc, 'upper.txt')).toMatchObject({ inputFiles: [], outputFiles: ['upper.txt'] });
    expect(taskOf(doc, 'total.txt')).toMatchObject({
      inputFiles: ['upper.txt'],
      outputFiles: ['total.txt'],
    });
    // The source is read from outside the run: its records do not name it.
    expect(sizes(doc)).toEqual({ 'upper.txt': 6, 'total.txt': 7 });
  });

  it("lists a step's file product for its step and for the step that consumes it", async () => {
    const file = join(box.dir, 'weft.db');
    const g = graph('exported');
    const listing = product('listing', { file: join(box.dir, 'out/listing.txt') });
    const count = product<number>('count');
    step('list', g, async (ctx) => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(box.dir, 'out'), { recursive: true });
      await writeFile(ctx.path(listing), 'a\nb\nc\n');
    }).produces(listing);
    step(
      'count',
      g,
      (ctx) => readFileSync(ctx.get(listing) as string, 'utf8').split('\n').length - 1,
    )
      .consumes(listing)
      .produces(count);
    const handle = g.start({ store: file });
    expect(await handle.result()).toMatchObject({ count: 3 });
    const doc = exported(file, handle.id);
    const list = doc.workflow.specification.tasks.find((t) => t.name === 'exported.list')!;
    const counted = doc.workflow.specification.tasks.find((t) => t.name === 'exported.count')!;
    expect(list).toMatchObject({ outputFiles: ['out/listing.txt'] });
    expect(counted).toMatchObject({ inputFiles: ['out/listing.txt'] });
    expect(sizes(doc)).toEqual({ 'out/listing.txt': 6 });
  });

  it('lists no files for tasks whose results name none', async () => {
    const file = join(box.dir, 'weft.db');
    let runId = '';
    const lone = command('files.echo', () => ({ argv: ['true'] }));
    await run(async () => submit(lone.with({ label: 'echo' })), {
      store: file,
      onEvent: (e) => (runId = e.runId),
    });
    const doc = exported(file, runId);
    expect(taskOf(doc, 'echo').inputFiles).toBeUndefined();
    expect(taskOf(doc, 'echo').outputFiles).toBeUndefined();
    expect(doc.workflow.specification.files).toEqual([]);
  });
});
