import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, command, type LogEvent, run, submit } from '@weft/core';
import { afterAll, describe, expect, it } from 'vitest';
import { recorder } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'weft-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` and a newline to `path`, through sh's printf (sh, not a weft shell). */
const write = command('write', (text: string, path: string) => ({
  argv: ['sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sh', text, path],
  outputs: [path],
}));
const cat = command('cat', (up: CommandResult) => ({
  argv: ['cat', up.outputs[0]!],
  inputs: [up.outputs[0]!],
}));
const hello = command('hello', { argv: ['printf', 'hello'] });

describe('command', () => {
  it('is a task recorded as defined by the module that called command()', () => {
    expect(hello.name).toBe('hello');
    expect(hello.options.module).toBe(import.meta.url);
    expect(write.with({ retries: 1 }).options.module).toBe(import.meta.url);
  });

  it('runs a pipeline: the second command reads the file the first wrote', async () => {
    const out = join(dir, 'pipeline.txt');
    const [first, second] = await run(async () => {
      const a = submit(write, 'from the first', out);
      return [a, submit(cat, a)];
    });
    expect(first.outputs).toEqual([out]);
    expect(readFileSync(out, 'utf8')).toBe('from the first\n');
    expect(second).toMatchObject({ exitCode: 0, stdout: 'from the first\n', stderr: '' });
  });

  it('hands a spec function resolved values, also inside arrays and objects', async () => {
    const seen: unknown[] = [];
    const join2 = command('join2', (parts: { files: CommandResult[] }) => {
      seen.push(parts);
      return { argv: ['cat', ...parts.files.map((f) => f.outputs[0]!)] };
    });
    const result = await run(async () =>
      submit(join2, {
        files: [submit(write, 'a', join(dir, 'a.txt')), submit(write, 'b', join(dir, 'b.txt'))],
      }),
    );
    expect(result.stdout).toBe('a\nb\n');
    expect(seen).toEqual([
      {
        files: [expect.objectContaining({ exitCode: 0 }), expect.objectContaining({ exitCode: 0 })],
      },
    ]);
  });

  it('resolves relative inputs and outputs against cwd, and returns outputs absolute', async () => {
    const touch = command('touch-rel', {
      argv: ['touch', 'rel.txt'],
      cwd: dir,
      outputs: ['rel.txt'],
    });
    const result = await run(async () => submit(touch));
    expect(result.outputs).toEqual([join(dir, 'rel.txt')]);
  });

  it('passes argv as it is: spaces and shell characters reach the program untouched', async () => {
    const args = ['two words', '$HOME', '; echo injected', '"quoted"', '*', "it's", '`id`', ''];
    const echo = command('literal', { argv: ['printf', '[%s]\\n', ...args] });
    const result = await run(async () => submit(echo));
    expect(result.stdout).toBe(args.map((a) => `[${a}]\n`).join(''));
  });

  it('runs a script string through /bin/sh with shell: true', async () => {
    const script = command('script', { argv: 'echo $((1 + 2)) | tr 3 x', shell: true });
    expect((await run(async () => submit(script))).stdout).toBe('x\n');
  });

  it('passes the elements after a shell script as $1, $2, ..., never parsed', async () => {
    const script = command('script-args', {
      argv: ['printf "[%s]" "$1" "$2"; printf "%s" "$#"', 'a b', '$(echo no)'],
      shell: true,
    });
    expect((await run(async () => submit(script))).stdout).toBe('[a b][$(echo no)]2');
  });

  it('lays env over the inherited environment, and undefined removes a variable', async () => {
    const show = command('env-over', {
      argv: ['/usr/bin/env'],
      env: { WEFT_A: 'a value', HOME: undefined },
    });
    const lines = (await run(async () => submit(show))).stdout.split('\n');
    expect(lines).toContain('WEFT_A=a value');
    expect(lines).toContain(`PATH=${process.env.PATH}`);
    expect(lines.filter((l) => l.startsWith('HOME='))).toEqual([]);
  });

  it('gives only env with inheritEnv: false', async () => {
    const show = command('env-only', {
      argv: ['/usr/bin/env'],
      env: { WEFT_ONLY: '1' },
      inheritEnv: false,
    });
    expect((await run(async () => submit(show))).stdout).toBe('WEFT_ONLY=1\n');
  });

  it('runs in cwd', async () => {
    const where = command('where', { argv: ['pwd', '-P'], cwd: dir });
    expect((await run(async () => submit(where))).stdout).toBe(`${realpathSync(dir)}\n`);
  });

  it('captures stdout and stderr, and logs their lines at debug level', async () => {
    const rec = recorder();
    const both = command('both', {
      argv: ['sh', '-c', 'echo out1; echo err1 >&2; printf out2'],
    });
    const result = await run(async () => submit(both), { onEvent: rec.onEvent });
    expect(result).toMatchObject({ stdout: 'out1\nout2', stderr: 'err1\n', stdoutDropped: 0 });
    const lines = rec.events
      .filter((e): e is LogEvent => e.type === 'log' && e.fields?.stream !== undefined)
      .map((e) => [e.level, e.fields?.stream, e.message]);
    expect(lines).toContainEqual(['debug', 'stdout', 'out1']);
    expect(lines).toContainEqual(['debug', 'stdout', 'out2']);
    expect(lines).toContainEqual(['debug', 'stderr', 'err1']);
  });

  it('keeps the last maxOutputBytes of output and says how much it dropped', async () => {
    const rec = recorder();
    const chatty = command('chatty', {
      argv: ['sh', '-c', 'printf "%050d" 0; printf "%050d\\n" 1'],
      maxOutputBytes: 20,
    });
    const result = await run(async () => submit(chatty), { onEvent: rec.onEvent });
    expect(result.stdout).toBe(`${'0'.repeat(18)}1\n`);
    expect(result.stdoutDropped).toBe(81);
    const logged = rec.events.filter((e) => e.type === 'log' && e.fields?.stream === 'stdout');
    expect(logged.length).toBeLessThanOrEqual(3);
  });

  it('succeeds with an exit code listed in okExitCodes', async () => {
    const grep = command('grep-none', {
      argv: ['sh', '-c', 'exit 1'],
      okExitCodes: [0, 1],
    });
    expect((await run(async () => submit(grep))).exitCode).toBe(1);
  });
});
