/**
 * The local import graph of a task module: what is followed and what is not,
 * cycles, a worker that finds a helper edited since the coordinator hashed
 * it, and the cache key of a task whose helper changed between runs.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type RunFailedError, run, submit, type Task, threadsExecutor } from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkModuleGraph,
  loadedModuleGraph,
  moduleGraph,
} from '../src/executor/pool/module-graph.js';
import { rejection } from './helpers.ts';

const WEFT = new URL('../src/index.ts', import.meta.url).href;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temporary project with these files (paths relative to its root). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-graph-'));
  dirs.push(dir);
  write(dir, files);
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

const url = (dir: string, path: string) => pathToFileURL(join(dir, path)).href;

/** A task module (.ts) importing a helper (.js) importing a deeper helper (.ts), and what it must not follow. */
const APP = {
  'task.ts': [
    "import type { Shape } from './types.ts';",
    "import { helper } from './helper.js';",
    "import { z } from 'zod';",
    "import { readFileSync } from 'node:fs';",
    `import { task } from '${WEFT}';`,
    "import { dep } from './node_modules/dep/index.js';",
    "export { other } from './reexported.ts';",
    "const load = () => import('./lazy.ts');",
    'const pick = (name: string) => import(name);',
    "type Later = typeof import('./types.ts');",
    'export const shape: Shape = { n: helper() };',
  ].join('\n'),
  'helper.js': "import { deep } from './lib/deep.ts';\nexport const helper = () => deep + 1;\n",
  'lib/deep.ts': 'export const deep: number = 1;\n',
  'types.ts': 'export interface Shape { n: number }\n',
  'reexported.ts': 'export const other = 2;\n',
  'lazy.ts': 'export default 3;\n',
  'unrelated.ts': 'export const unrelated = 4;\n',
  'node_modules/dep/index.js': 'export const dep = 5;\n',
};

describe('the local import graph of a module', () => {
  it('follows relative runtime imports from .ts and .js modules, and nothing else (not weft itself)', () => {
    const dir = project(APP);
    const graph = moduleGraph(url(dir, 'task.ts'));
    expect(graph.files.map((f) => f.slice(dir.length + 1))).toEqual([
      'task.ts',
      'helper.js',
      'reexported.ts',
      'lazy.ts',
      'lib/deep.ts',
    ]);
    expect(graph.missing).toEqual([]);
    expect(graph.unlexed).toEqual([]);
  });

  it('changes when the deepest helper changes, not when an unrelated, type-only or node_modules file does', () => {
    const dir = project(APP);
    const root = url(dir, 'task.ts');
    const before = moduleGraph(root);
    write(dir, {
      'unrelated.ts': 'export const unrelated = 40;\n',
      'types.ts': 'export interface Shape { n: number; m?: string }\n',
      'node_modules/dep/index.js': 'export const dep = 50;\n',
    });
    expect(moduleGraph(root).hash).toBe(before.hash);
    // Same size, written at once: the cache must not take it for the old file.
    write(dir, { 'lib/deep.ts': 'export const deep: number = 2;\n' });
    expect(moduleGraph(root).hash).not.toBe(before.hash);
  });

  it('is checked in a worker by the content of the files it lists, naming the one that differs', () => {
    const dir = project(APP);
    const root = url(dir, 'task.ts');
    const { token } = moduleGraph(root);
    expect(checkModuleGraph(root, token)).toEqual({ same: true });
    write(dir, { 'unrelated.ts': 'export const unrelated = 40;\n' });
    expect(checkModuleGraph(root, token)).toEqual({ same: true });
    write(dir, { 'lib/deep.ts': 'export const deep: number = 2;\n' });
    expect(checkModuleGraph(root, token)).toEqual({ same: false, file: join(dir, 'lib/deep.ts') });
    rmSync(join(dir, 'lib/deep.ts'));
    expect(checkModuleGraph(root, token)).toEqual({ same: false, file: join(dir, 'lib/deep.ts') });
    expect(checkModuleGraph(root, 'not a token')).toEqual({ same: false, file: undefined });
  });

  it('hashes a moved project the same: paths are not part of the hash', () => {
    const dir = project(APP);
    const copy = project({});
    cpSync(dir, copy, { recursive: true });
    expect(moduleGraph(url(copy, 'task.ts')).hash).toBe(moduleGraph(url(dir, 'task.ts')).hash);
  });

  it('terminates on a cycle between two local modules', () => {
    const dir = project({
      'a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
      'b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
    });
    const graph = moduleGraph(url(dir, 'a.ts'));
    expect(graph.files).toEqual([join(dir, 'a.ts'), join(dir, 'b.ts')]);
    write(dir, { 'b.ts': "import { a } from './a.ts';\nexport const b = () => a();\n" });
    expect(moduleGraph(url(dir, 'a.ts')).hash).not.toBe(graph.hash);
  });

  it('lists an import that names no file, and changes when the file appears', () => {
    const dir = project({ 'a.ts': "import './gone.ts';\n" });
    const graph = moduleGraph(url(dir, 'a.ts'));
    expect(graph.missing).toEqual([join(dir, 'gone.ts')]);
    write(dir, { 'gone.ts': '' });
    expect(moduleGraph(url(dir, 'a.ts')).hash).not.toBe(graph.hash);
    expect(checkModuleGraph(url(dir, 'a.ts'), graph.token)).toEqual({
      same: false,
      file: join(dir, 'gone.ts'),
    });
  });

  it('keeps the graph this process first hashed for a module, and prints no warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const dir = project(APP);
      const first = loadedModuleGraph(url(dir, 'task.ts'));
      write(dir, { 'lib/deep.ts': 'export const deep: number = 9;\n' });
      expect(loadedModuleGraph(url(dir, 'task.ts'))).toBe(first);
      expect(moduleGraph(url(dir, 'task.ts')).hash).not.toBe(first.hash);
      await new Promise(setImmediate); // warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
});

/** A task module whose task returns a value from a helper's helper. */
const TASKS = {
  'tasks.ts': [
    `import { run, submit, task } from '${WEFT}';`,
    "import { scale } from './helper.ts';",
    "export const scaled = task({ name: 'mg.scaled', cache: true }, async (_ctx, n: number) => scale(n));",
    'if (import.meta.main) {',
    '  const events: string[] = [];',
    '  const value = await run(() => submit(scaled, 21), {',
    '    store: process.argv[2],',
    '    onEvent: (e) => { events.push(e.type); },',
    '  });',
    "  console.log(JSON.stringify({ value, cached: events.includes('cached') }));",
    '}',
  ].join('\n'),
  'helper.ts':
    "import { factor } from './deep.ts';\nexport const scale = (n: number) => n * factor;\n",
  'deep.ts': 'export const factor: number = 2;\n',
};

describe('a task whose helper changed', () => {
  it('runs in a worker when nothing changed', async () => {
    const dir = project(TASKS);
    const { scaled } = (await import(url(dir, 'tasks.ts'))) as { scaled: Task<[number], number> };
    await using executor = threadsExecutor({ max: 1 });
    expect(await run(() => submit(scaled, 21), { executor, record: false })).toBe(42);
  });

  it('is refused by a worker when the helper was edited after the coordinator hashed it', async () => {
    const dir = project(TASKS);
    const { scaled } = (await import(url(dir, 'tasks.ts'))) as { scaled: Task<[number], number> };
    await using executor = threadsExecutor({ max: 1 });
    executor.check(scaled, [21]); // the coordinator hashes the module's graph now
    write(dir, { 'deep.ts': 'export const factor: number = 3;\n' });
    const failed = (await rejection(
      run(() => submit(scaled, 21), { executor, record: false }),
    )) as RunFailedError;
    expect(failed.failures[0]?.error).toMatchObject({
      code: 'WEFT_MODULE_CHANGED',
      message: expect.stringContaining(`${join(dir, 'deep.ts')}, which its module`),
    });
  });

  it('is a cache hit on the next run, and a miss on the run after its helper changed', () => {
    const dir = project(TASKS);
    const store = join(dir, 'weft.db');
    const next = () => {
      const out = execFileSync(process.execPath, [join(dir, 'tasks.ts'), store], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return JSON.parse(out.trim().split('\n').at(-1)!) as { value: number; cached: boolean };
    };
    expect(next()).toEqual({ value: 42, cached: false });
    expect(next()).toEqual({ value: 42, cached: true });
    write(dir, { 'deep.ts': 'export const factor: number = 3;\n' });
    expect(next()).toEqual({ value: 63, cached: false });
    expect(next()).toEqual({ value: 63, cached: true });
  });
});

/** A module with a cached command of a fixed spec (its version is the spec). */
const COMMANDS = (word: string, comment: string) => ({
  'cmd.ts': [
    `import { command, run, submit } from '${WEFT}';`,
    `// ${comment}`,
    `export const say = command('mg.say', { argv: ['sh', '-c', 'echo ${word} > said.txt'], outputs: ['said.txt'] });`,
    'if (import.meta.main) {',
    '  const events: string[] = [];',
    '  await run(() => submit(say), { store: process.argv[2], onEvent: (e) => { events.push(e.type); } });',
    "  console.log(JSON.stringify({ cached: events.includes('cached') }));",
    '}',
  ].join('\n'),
});

describe('a cached command with a fixed spec', () => {
  it('keeps its cache when its module changes elsewhere, and misses when its spec changes', () => {
    const dir = project(COMMANDS('hello', 'first'));
    const store = join(dir, 'weft.db');
    const next = () =>
      JSON.parse(
        execFileSync(process.execPath, [join(dir, 'cmd.ts'), store], {
          cwd: dir,
          encoding: 'utf8',
        })
          .trim()
          .split('\n')
          .at(-1)!,
      ) as { cached: boolean };
    expect(next()).toEqual({ cached: false });
    expect(next()).toEqual({ cached: true });
    write(dir, COMMANDS('hello', 'an edit elsewhere in the module'));
    expect(next()).toEqual({ cached: true });
    write(dir, COMMANDS('goodbye', 'an edit elsewhere in the module'));
    expect(next()).toEqual({ cached: false });
  });
});
