/**
 * `weft run` as a user runs it (the built bin/weft.js, spawned): exit
 * codes, the output of a failing run, --json, params validated by the
 * workflow's schema, config and usage errors, --dry-run, and the output on
 * a terminal (through a pseudo-terminal) and off one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BIN,
  cleanEnv,
  cleanup,
  effects,
  parseEvents,
  project,
  stripAnsi,
  weft,
} from './fixtures/cli/harness.ts';

afterEach(cleanup);

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for escape codes
const ESC = /\x1b/;

describe('weft run', () => {
  it('runs a workflow and exits 0, printing the run id and a summary', async () => {
    const dir = project();
    const r = await weft(['run', 'steps.ts'], dir);
    expect(r.stderr).toMatch(/run steps\.ts \(mode dev\) · run \S+/);
    expect(r.stdout).toContain('run succeeded');
    expect(r.code).toBe(0);
    expect(effects(dir).sort()).toEqual([
      'side',
      'start step2',
      'step0',
      'step1',
      'step2',
      'step3',
    ]);
  });

  it('exits 1 when a task fails, naming the task and its error, with the commands to go on', async () => {
    const dir = project();
    const r = await weft(['run', 'fail.ts'], dir);
    expect(r.code).toBe(1);
    const all = r.stdout + r.stderr;
    expect(all).toMatch(/explode \[boom\]/);
    expect(all).toContain('the input file is corrupt');
    expect(r.stdout).toContain('run failed');
    const id = /· run (\S+)/.exec(r.stderr)?.[1];
    expect(r.stderr).toContain(`weft resume ${id}`);
    expect(r.stderr).toContain(`weft rerun ${id} --from-failure`);
  });

  it('gives tasks without their own retries the --retries default', async () => {
    const dir = project();
    const once = await weft(['run', 'flaky.ts'], dir);
    expect(once.code).toBe(1);
    expect(once.stderr).toContain('first attempts always fail');
    const retried = await weft(['run', 'flaky.ts', '--retries', '1'], dir);
    expect(retried.code).toBe(0);
    expect(retried.stderr).toMatch(/retry flaky #0 after attempt 1/);
  });

  it('writes only NDJSON events on stdout with --json, ending with run_finished', async () => {
    const dir = project();
    const r = await weft(['run', 'fail.ts', '--json'], dir);
    expect(r.code).toBe(1);
    const events = parseEvents(r.stdout); // throws on a line that is not JSON
    expect(events[0]!.type).toBe('run_started');
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', state: 'failed' });
    expect(events.find((e) => e.type === 'failed')).toMatchObject({
      name: 'explode',
      label: 'boom',
    });
  });

  it('validates --param with the schema the workflow exports and passes its output to main', async () => {
    const dir = project();
    const ok = await weft(['run', 'with-params.ts', '--param', 'count=2', '--json'], dir);
    expect(ok.code).toBe(0);
    const log = parseEvents(ok.stdout).find((e) => e.type === 'log');
    expect(log?.message).toBe('repeat x 2 times'); // the schema's default for name

    const bad = await weft(['run', 'with-params.ts', '--param', 'count=lots'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: invalid param "count": .*expected number/im);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack for a usage error
  });

  it('exits 2 with the message of a config error, naming the resource', async () => {
    const dir = project();
    const r = await weft(['run', 'steps.ts', '--set', 'greeter.greeting=5'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: invalid config for resource "greeter"');
    expect(r.stderr).toContain('greeting');
    expect(r.stdout).toBe(''); // no summary of a run that never started
    expect(effects(dir)).toEqual([]);

    const mode = await weft(['run', 'steps.ts', '--mode', 'staging'], dir);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(
      /error: mode "staging" is not defined in .*weft\.config\.ts \(modes: dev\)/,
    );
  });

  it('exits 2 for a missing file, a module without a default export, and bad flags', async () => {
    const dir = project();
    const missing = await weft(['run', 'nope.ts'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error: workflow file not found: ${join(dir, 'nope.ts')}`);

    const noMain = await weft(['run', 'no-default.ts'], dir);
    expect(noMain.code).toBe(2);
    expect(noMain.stderr).toContain('no-default.ts has no default export function');

    const zero = await weft(['run', 'steps.ts', '-j', '0'], dir);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("option '-j, --concurrency <n>' argument '0' is invalid");

    const pair = await weft(['run', 'steps.ts', '--param', 'count'], dir);
    expect(pair.code).toBe(2);
    expect(pair.stderr).toContain('error: --param expects key=value, got "count"');

    const kind = await weft(['run', 'steps.ts', '--executor', 'gpu'], dir);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain(
      'error: --executor gpu: unknown executor kind; known kinds: inline, threads, processes',
    );
    expect(effects(dir)).toEqual([]);
  });

  it('prints the graph with --dry-run without running any task', async () => {
    const dir = project();
    const r = await weft(['run', 'steps.ts', '--dry-run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('flowchart')).toBe(true);
    for (const label of ['side', 's0', 's1', 's2', 's3']) expect(r.stdout).toContain(`"${label}"`);
    expect(r.stdout).toMatch(/n1 --> n2/);
    expect(existsSync(join(dir, 'effects.txt'))).toBe(false);

    const json = await weft(
      ['run', 'steps.ts', '--dry-run', '--format', 'json', '--param', 'steps=2'],
      dir,
    );
    const graph = JSON.parse(json.stdout) as { nodes: unknown[]; edges: unknown[] };
    expect(graph.nodes).toHaveLength(3);
    expect(graph.edges).toEqual([[1, 2]]);
  });

  it('writes no escape code when stdout is not a terminal', async () => {
    const dir = project();
    const r = await weft(['run', 'steps.ts', '--param', 'delay=50'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(ESC);
  });

  it('shows the live progress block on a terminal', () => {
    const dir = project();
    // util-linux script gives the command a pseudo-terminal and copies what it writes.
    const command = `'${process.execPath}' '${BIN}' run steps.ts --param delay=250`;
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: cleanEnv({ TERM: 'xterm-256color' }),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(ESC);
    expect(r.stdout).toContain('\x1b[?25l'); // the cursor hidden while the block is live
    expect(r.stdout).toMatch(/\d+\/5/); // finished/total in the block
    const plain = stripAnsi(r.stdout);
    expect(plain).toMatch(/run succeeded in [\d.]+s: 5 tasks, 5 done/);
  });
});
