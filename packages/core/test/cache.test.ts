import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunEvent, run, submit, task } from '@weft/core';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'weft-cache-'));
  dirs.push(d);
  return d;
}

const ran: string[] = [];
const load = task({ name: 'c.load', cache: true }, async (_ctx, src: string) => {
  ran.push(`load:${src}`);
  return `${src}-data`;
});
const clean = task({ name: 'c.clean', cache: true }, async (_ctx, data: string) => {
  ran.push(`clean:${data}`);
  return data.toUpperCase();
});
const merge = task({ name: 'c.merge', cache: true }, async (_ctx, ...parts: string[]) => {
  ran.push('merge');
  return parts.join('+');
});

const pipeline = (a: string, b: string) => async () =>
  submit(merge, submit(clean, submit(load, a)), submit(clean, submit(load, b)));

async function runLogged<T>(main: () => Promise<T>, dir: string, extra: object = {}) {
  const events: RunEvent[] = [];
  ran.length = 0;
  const value = await run(main, { cwd: dir, onEvent: (e) => events.push(e), ...extra });
  return { value, ran: [...ran].sort(), cached: events.filter((e) => e.type === 'cached') };
}

describe('caching', () => {
  it('a second run with the same inputs takes every result from the cache', async () => {
    const dir = tempDir();
    const first = await runLogged(pipeline('a', 'b'), dir);
    expect(first.value).toBe('A-DATA+B-DATA');
    expect(first.ran).toHaveLength(5);
    const second = await runLogged(pipeline('a', 'b'), dir);
    expect(second.value).toBe('A-DATA+B-DATA');
    expect(second.ran).toEqual([]);
    expect(second.cached).toHaveLength(5);
  });

  it('changing one input runs only the tasks downstream of it', async () => {
    const dir = tempDir();
    await runLogged(pipeline('a', 'b'), dir);
    const second = await runLogged(pipeline('a', 'c'), dir);
    expect(second.value).toBe('A-DATA+C-DATA');
    expect(second.ran).toEqual(['clean:c-data', 'load:c', 'merge']);
    expect(second.cached).toHaveLength(2);
  });

  it("changing a task's code runs it and its dependents again", async () => {
    const dir = tempDir();
    await runLogged(pipeline('a', 'b'), dir);
    const clean2 = task({ name: 'c.clean', cache: true }, async (_ctx, data: string) => {
      ran.push(`clean2:${data}`);
      return data.toLowerCase();
    });
    const changed = async () =>
      submit(merge, submit(clean2, submit(load, 'a')), submit(clean, submit(load, 'b')));
    const second = await runLogged(changed, dir);
    expect(second.value).toBe('a-data+B-DATA');
    expect(second.ran).toEqual(['clean2:a-data', 'merge']);
  });

  it('an explicit version keeps the cache across code changes until it changes', async () => {
    const dir = tempDir();
    const v = (version: string, out: string) =>
      task({ name: 'c.versioned', cache: true, version }, async () => {
        ran.push(out);
        return out;
      });
    await runLogged(async () => submit(v('1', 'first')), dir);
    const same = await runLogged(async () => submit(v('1', 'second')), dir);
    expect(same).toMatchObject({ value: 'first', ran: [] });
    const bumped = await runLogged(async () => submit(v('2', 'third')), dir);
    expect(bumped).toMatchObject({ value: 'third', ran: ['third'] });
  });

  it('a deleted artifact makes the task run again', async () => {
    const dir = tempDir();
    const big = task({ name: 'c.big', cache: true }, async () => {
      ran.push('big');
      return 'x'.repeat(200_000);
    });
    const first = await runLogged(async () => submit(big), dir);
    expect(first.ran).toEqual(['big']);
    const artifacts = join(dir, '.weft', 'artifacts');
    const shards = readdirSync(artifacts).filter((d) => /^[0-9a-f]{2}$/.test(d));
    expect(shards.length).toBe(1);
    expect((await runLogged(async () => submit(big), dir)).ran).toEqual([]);
    for (const s of shards) rmSync(join(artifacts, s), { recursive: true });
    const third = await runLogged(async () => submit(big), dir);
    expect(third.ran).toEqual(['big']);
    expect(third.value).toHaveLength(200_000);
  });

  it('cache modes: off runs everything, write does not read, read does not record', async () => {
    const dir = tempDir();
    const off = await runLogged(pipeline('a', 'b'), dir, { cache: 'off' });
    expect(off.ran).toHaveLength(5);
    const read1 = await runLogged(pipeline('a', 'b'), dir, { cache: 'read' });
    expect(read1.ran).toHaveLength(5); // 'off' recorded no keys
    const write = await runLogged(pipeline('a', 'b'), dir, { cache: 'write' });
    expect(write.ran).toHaveLength(5); // write does not read
    const read2 = await runLogged(pipeline('a', 'b'), dir, { cache: 'read' });
    expect(read2.ran).toEqual([]);
  });

  it('tasks without cache: true always run', async () => {
    const dir = tempDir();
    const plain = task('c.plain', async () => {
      ran.push('plain');
      return 1;
    });
    await runLogged(async () => submit(plain), dir);
    expect((await runLogged(async () => submit(plain), dir)).ran).toEqual(['plain']);
  });

  it('refuses an unknown cache mode, naming the choices', async () => {
    await expect(async () => run(async () => 1, { cache: 'sometimes' as never })).rejects.toThrow(
      'run: cache must be one of off, read, write, readwrite, got "sometimes"',
    );
  });
});

describe('caching command tasks', () => {
  it('skips a command whose input file and output are unchanged, and reruns when either changes', async () => {
    const { writeFileSync, readFileSync: read } = await import('node:fs');
    const { command } = await import('@weft/core');
    const dir = tempDir();
    const src = join(dir, 'in.txt');
    const out = join(dir, 'out.txt');
    const counter = join(dir, 'runs.txt');
    writeFileSync(src, 'hello\n');
    writeFileSync(counter, '');
    const upper = command('c.cmd.upper', {
      argv: ['sh', '-c', 'tr a-z A-Z < "$1" > "$2"; echo x >> "$3"', 'sh', src, out, counter],
      inputs: [src],
      outputs: [out],
    });
    const runs = () => read(counter, 'utf8').trim().split('\n').filter(Boolean).length;
    await run(async () => submit(upper), { cwd: dir });
    expect(read(out, 'utf8')).toBe('HELLO\n');
    await run(async () => submit(upper), { cwd: dir });
    expect(runs()).toBe(1);
    writeFileSync(src, 'changed\n');
    await run(async () => submit(upper), { cwd: dir });
    expect(runs()).toBe(2);
    expect(read(out, 'utf8')).toBe('CHANGED\n');
    rmSync(out);
    await run(async () => submit(upper), { cwd: dir });
    expect(runs()).toBe(3);
    expect(read(out, 'utf8')).toBe('CHANGED\n');
  });
});

describe('caching across a resume', () => {
  it('a run after a resumed one takes from the cache what the resume reused', async () => {
    const dir = tempDir();
    const marker = join(dir, 'marker');
    const chain = () => async () => submit(clean, submit(load, marker));
    // First run: clean fails (load's output is not there yet for it), load succeeds.
    const store = join(dir, 'weft.db');
    let first: string | undefined;
    ran.length = 0;
    await expect(
      run(chain(), {
        cwd: dir,
        store,
        onEvent: (e) => {
          first ??= e.runId;
          if (e.type === 'started' && e.name === 'c.clean') throw new Error('not yet');
        },
      }),
    ).rejects.toThrow();
    expect(first).toBeDefined();
    // Resume: load is reused from the record, clean runs.
    const resumed = await runLogged(chain(), dir, { store, resume: first });
    expect(resumed.ran).toEqual([`clean:${marker}-data`]);
    // A fresh run: both from the cache, clean's key made from load's recorded key.
    const fresh = await runLogged(chain(), dir, { store });
    expect(fresh.ran).toEqual([]);
    expect(fresh.cached).toHaveLength(2);
  });
});
