/**
 * The commands that read recorded runs, spawned as a user runs them: `weft
 * runs`, `show`, `logs` and `graph --run`, and their errors for a run id
 * that is not recorded.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BIN,
  cleanEnv,
  cleanup,
  parseEvents,
  project,
  stripAnsi,
  weft,
} from './fixtures/cli/harness.ts';

afterEach(cleanup);

/** Runs a fixture with --json and returns its run id and exit code. */
async function recorded(dir: string, file: string, ...args: string[]) {
  const r = await weft(['run', file, '--json', ...args], dir);
  const events = parseEvents(r.stdout);
  return { id: events[0]!.runId, code: r.code };
}

interface RunRow {
  id: string;
  state: string;
  workflow: string;
  counts: Record<string, number>;
}

describe('weft runs', () => {
  it('lists both runs after two, newest first, as a table and as JSON', async () => {
    const dir = project();
    const first = await recorded(dir, 'steps.ts');
    const second = await recorded(dir, 'fail.ts');
    expect([first.code, second.code]).toEqual([0, 1]);

    const json = await weft(['runs', '--json'], dir);
    expect(json.code).toBe(0);
    const runs = JSON.parse(json.stdout) as RunRow[];
    expect(runs.map((r) => [r.id, r.state])).toEqual([
      [second.id, 'failed'],
      [first.id, 'succeeded'],
    ]);
    expect(runs[1]!.counts.succeeded).toBe(5);

    const text = await weft(['runs'], dir);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+workflow\s+mode\s+state\s+tasks\s+started\s+duration$/);
    expect(lines[1]).toMatch(new RegExp(`^${second.id}\\s+fail\\.ts\\s+dev\\s+failed\\s+1 failed`));
    expect(lines[2]).toMatch(new RegExp(`^${first.id}\\s+steps\\.ts\\s+dev\\s+succeeded\\s+5 ok`));

    const limited = await weft(['runs', '--limit', '1', '--json'], dir);
    expect((JSON.parse(limited.stdout) as RunRow[]).map((r) => r.id)).toEqual([second.id]);
  });

  it('cuts its table to the width of a terminal, and colors it there', async () => {
    const dir = project();
    await recorded(dir, 'steps.ts');
    const command = `stty cols 50; '${process.execPath}' '${BIN}' runs`;
    const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
      cwd: dir,
      env: cleanEnv({ TERM: 'xterm-256color' }),
      encoding: 'utf8',
    });
    expect(r.stdout).toContain('\x1b[32msucceeded'); // green
    const lines = stripAnsi(r.stdout).trimEnd().split(/\r?\n/);
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(Array.from(line).length).toBeLessThanOrEqual(50);
    expect(lines[1]).toContain('…');
  });

  it('reads the store given with --store from anywhere, and says when there is none', async () => {
    const dir = project();
    const { id } = await recorded(dir, 'steps.ts');
    const elsewhere = join(dir, 'sub');
    mkdirSync(elsewhere);
    const r = await weft(['runs', '--json', '--store', join(dir, '.weft/weft.db')], elsewhere);
    expect((JSON.parse(r.stdout) as RunRow[]).map((x) => x.id)).toEqual([id]);

    const none = await weft(['runs'], project({ config: false }));
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('no runs recorded yet');
  });
});

describe('weft show', () => {
  it("prints a run's header and tasks, filtered by state and name", async () => {
    const dir = project();
    await weft(['run', 'steps.ts'], dir);
    const { id } = await recorded(dir, 'fail.ts');
    const all = await weft(['show', id.slice(0, -2)], dir); // a unique prefix is enough
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`run\\s+${id}\\s+failed`));
    const row = all.stdout.split('\n').find((l) => l.includes('explode'));
    expect(row).toMatch(/^\s*0\s+explode\s+boom\s+failed\s+1\s+.*the input file is corrupt$/);

    const dir2 = project();
    await weft(['run', 'steps.ts'], dir2); // a run with several tasks
    const runs = JSON.parse((await weft(['runs', '--json'], dir2)).stdout) as RunRow[];
    const failedOnly = await weft(['show', runs[0]!.id, '--state', 'failed,cancelled'], dir2);
    expect(failedOnly.stderr).toContain('no task matches');
    const s1 = await weft(['show', runs[0]!.id, '--name', 's1', '--json'], dir2);
    const shown = JSON.parse(s1.stdout) as { tasks: { label: string; state: string }[] };
    expect(shown.tasks.map((t) => [t.label, t.state])).toEqual([['s1', 'succeeded']]);
    const ok = await weft(['show', runs[0]!.id, '--state', 'succeeded', '--json'], dir2);
    expect((JSON.parse(ok.stdout) as { tasks: unknown[] }).tasks).toHaveLength(5);

    const bad = await weft(['show', id, '--state', 'done'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: unknown task state "done"; expected one of: pending');
  });

  it('exits 2 for a run id that is not recorded', async () => {
    const dir = project();
    await recorded(dir, 'steps.ts');
    for (const cmd of [
      ['show', 'zzz'],
      ['logs', 'zzz'],
      ['resume', 'zzz'],
      ['cancel', 'zzz'],
    ]) {
      const r = await weft(cmd, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: no run "zzz" is recorded in .*weft\.db/);
    }
  });
});

describe('weft logs', () => {
  it("prints a task's log lines, found by label or id", async () => {
    const dir = project();
    const { id } = await recorded(dir, 'steps.ts');
    const byLabel = await weft(['logs', id, 's1'], dir);
    expect(byLabel.code).toBe(0);
    expect(byLabel.stdout.trim()).toMatch(/^\d\d:\d\d:\d\d\.\d{3} info\s+step#2 step 1 starting$/);
    const all = await weft(['logs', id], dir);
    for (let i = 0; i < 4; i++) expect(all.stdout).toContain(`step ${i} starting`);
    const byId = await weft(['logs', id, '3'], dir);
    expect(byId.stdout).toContain('step#3 step 2 starting');

    const unknown = await weft(['logs', id, 'nope'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`error: run ${id} has no task with id, label or name "nope"`);
  });
});

describe('weft graph', () => {
  it("prints a recorded run's graph with states as JSON", async () => {
    const dir = project();
    const { id } = await recorded(dir, 'steps.ts', '--param', 'steps=2');
    const r = await weft(['graph', '--run', id, '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const graph = JSON.parse(r.stdout) as {
      nodes: { id: number; name: string; label: string; state: string }[];
      edges: [number, number][];
    };
    expect(graph.nodes.map((n) => [n.id, n.label, n.state])).toEqual([
      [0, 'side', 'succeeded'],
      [1, 's0', 'succeeded'],
      [2, 's1', 'succeeded'],
    ]);
    expect(graph.edges).toEqual([[1, 2]]);

    const usage = await weft(['graph'], dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('error: give a workflow module, or --run <run-id>');
  });
});
