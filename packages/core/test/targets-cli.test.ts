/**
 * `weft build` as a user runs it (the built bin/weft.js, spawned, in a
 * project with a rules.ts): the dry run's plan as text and as a graph, a
 * build, then nothing to do, `--force`, `--param` choosing an
 * implementation, `--json`, and the exit codes of a plan that cannot be
 * made (2), a failed step (1) and a command line without targets (2); a
 * build killed midway, whose next build runs only what was not recorded.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanup,
  effects,
  parseEvents,
  project,
  start,
  tally,
  waitFor,
  weft,
} from './fixtures/cli/harness.ts';

afterEach(cleanup);

const RULES = `
import { readFile, writeFile } from 'node:fs/promises';
import { rule, state } from '@weft/core';

export const upper = rule('up/{name}.txt', {
  name: 'upper',
  needs: 'in/{name}.txt',
  run: async ({ input, output }) => writeFile(output[0], (await readFile(input, 'utf8')).toUpperCase()),
});

export const joined = rule('all.txt', {
  name: 'joined',
  implementations: [
    { name: 'dashes', when: { sep: '-' }, needs: ['up/a.txt', 'up/b.txt'],
      command: ({ input, output }) => ({ argv: ['sh', '-c', 'printf "%s-%s" "$(cat "$1")" "$(cat "$2")" > "$3"', 'sh', input[0], input[1], output[0]] }) },
    { name: 'plain', needs: ['up/a.txt', 'up/b.txt'],
      command: ({ input, output }) => ({ argv: ['sh', '-c', 'cat "$1" "$2" > "$3"', 'sh', input[0], input[1], output[0]] }) },
  ],
});

export const broken = rule('broken.txt', { name: 'broken', run: () => { throw new Error('it broke'); } });

export default ['all.txt'];
`;

function rulesProject(): string {
  const dir = project({ config: false });
  writeFileSync(join(dir, 'rules.ts'), RULES);
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [f, text] of [
    ['in/a.txt', 'a'],
    ['in/b.txt', 'b'],
  ] as const) {
    const path = join(dir, f);
    mkdirSync(join(dir, 'in'), { recursive: true });
    writeFileSync(path, text);
  }
  return dir;
}

describe('weft build', () => {
  it('prints the plan with --dry-run: what would run and why, with its commands', async () => {
    const dir = rulesProject();
    const r = await weft(['build', '-n'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'run up/a.txt [upper]: never built',
        'run up/b.txt [upper]: never built',
        'run all.txt [joined plain]: never built',
        `    $ sh -c 'cat "$1" "$2" > "$3"' sh up/a.txt up/b.txt all.txt`,
        '3 jobs to run (upper 2, joined 1), 0 up to date',
        '',
      ].join('\n'),
    );
    const g = await weft(['build', '-n', '--format', 'json', 'all.txt'], dir);
    expect(g.code).toBe(0);
    const graph = JSON.parse(g.stdout) as { nodes: { label: string; state: string }[] };
    expect(graph.nodes.map((n) => [n.label, n.state])).toEqual([
      ['up/a.txt', 'pending'],
      ['up/b.txt', 'pending'],
      ['all.txt', 'pending'],
    ]);
    const mermaid = await weft(['build', '-n', '--format', 'mermaid'], dir);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout).toMatch(/^flowchart TB\n/);
    for (const t of ['up/a.txt', 'up/b.txt', 'all.txt'])
      expect(mermaid.stdout).toContain(`["${t}"]`);
    expect(mermaid.stdout.match(/ --> /g)).toHaveLength(2);
    const dot = await weft(['build', '-n', '--format', 'dot'], dir);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph weft \{\n/);
    expect(dot.stdout).toContain('[label="all.txt"');
    expect(dot.stdout.match(/->/g)).toHaveLength(2);
    const notDry = await weft(['build', '--format', 'dot'], dir);
    expect(notDry.code).toBe(2);
    expect(notDry.stderr).toBe('error: --format prints the plan: use it with --dry-run\n');
  });

  it('prints the plan in the order its jobs would start with --order start', async () => {
    const dir = rulesProject();
    const runs = (stdout: string) =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('run '))
        .map((l) => l.split(' ')[1]);
    const planned = await weft(['build', '-n', 'broken.txt', 'all.txt'], dir);
    expect(planned.code).toBe(0);
    expect(runs(planned.stdout)).toEqual(['broken.txt', 'up/a.txt', 'up/b.txt', 'all.txt']);
    // up/a.txt and up/b.txt head the longest chains (two jobs); broken.txt then ties with all.txt.
    const started = await weft(['build', '-n', '--order', 'start', 'broken.txt', 'all.txt'], dir);
    expect(started.code).toBe(0);
    expect(runs(started.stdout)).toEqual(['up/a.txt', 'up/b.txt', 'broken.txt', 'all.txt']);
    const bad = await weft(['build', '-n', '--order', 'soon'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("argument 'soon' is invalid. Allowed choices are plan, start.");
    const notDry = await weft(['build', '--order', 'start'], dir);
    expect(notDry.code).toBe(2);
    expect(notDry.stderr).toBe('error: --order orders the printed plan: use it with --dry-run\n');
  });

  it('builds, then has nothing to do; --force and --param build again', async () => {
    const dir = rulesProject();
    const first = await weft(['build'], dir);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('3 jobs to run (upper 2, joined 1), 0 up to date');
    expect(readFileSync(join(dir, 'all.txt'), 'utf8')).toBe('AB');
    const again = await weft(['build'], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('nothing to do: 3 jobs up to date\n');
    const dash = await weft(['build', '-n', '--param', 'sep=-'], dir);
    expect(dash.stdout).toContain(
      'run all.txt [joined dashes]: the coordinates chose another implementation (dashes; it was built by plain)',
    );
    const built = await weft(['build', '--param', 'sep=-', '--json'], dir);
    expect(built.code).toBe(0);
    const result = parseEvents(built.stdout).at(-1)!;
    expect(result).toMatchObject({
      type: 'result',
      value: { ran: 1, upToDate: 2, values: { 'all.txt': 'all.txt' } },
    });
    expect(readFileSync(join(dir, 'all.txt'), 'utf8')).toBe('A-B');
    const forced = await weft(['build', '-n', '-B', '--param', 'sep=-'], dir);
    expect(forced.stdout).toContain('3 jobs to run');
  });

  it('exits 2 naming the target when the plan cannot be made, 1 when a step fails', async () => {
    const dir = rulesProject();
    const missing = await weft(['build', 'up/c.txt'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'error: no rule makes "in/c.txt" and no such file exists (needed by up/c.txt [rule upper] <- the build)\n',
    );
    const failed = await weft(['build', 'broken.txt', '--quiet'], dir);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('it broke');
  });

  it('weft resume of a build builds what is not up to date; weft rerun builds every target again', async () => {
    const dir = rulesProject();
    const failed = await weft(['build', 'all.txt', 'broken.txt', '--keep-going', '--quiet'], dir);
    expect(failed.code).toBe(1);
    const runs = await weft(['runs', '--json'], dir);
    const [run] = JSON.parse(runs.stdout) as { id: string; state: string }[];
    expect(run).toMatchObject({ state: 'failed' });
    const resumed = await weft(['resume', run!.id], dir);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(
      `run ${run!.id} built all.txt broken.txt: building what is not up to date in a new run\n` +
        '1 job to run (broken 1), 3 up to date\n',
    );
    const rerun = await weft(['rerun', run!.id], dir);
    expect(rerun.code).toBe(1);
    expect(rerun.stderr).toContain(
      `run ${run!.id} built all.txt broken.txt: building them all again in a new run\n` +
        '4 jobs to run',
    );
    const fromFailure = await weft(['rerun', run!.id, '--from-failure'], dir);
    expect(fromFailure.stderr).toContain('1 job to run (broken 1), 3 up to date');
  });

  it('exits 2 without targets or rules', async () => {
    const dir = rulesProject();
    writeFileSync(join(dir, 'rules.ts'), RULES.replace("export default ['all.txt'];", ''));
    const none = await weft(['build'], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(
      /^error: no targets: name them \(weft build <targets\.\.\.>\), or export the default ones from .*rules\.ts/,
    );
    const elsewhere = await weft(['build', '-f', 'nope.ts'], dir);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^error: rules module not found: .*nope\.ts/);
  });
});

const PARTS = `
import { appendFileSync, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { rule } from '@weft/core';

export const part = rule('part/{i}.txt', {
  name: 'part',
  run: async ({ wildcards, output }) => {
    // Hangs (until killed) while the file 'hang' exists.
    if (wildcards.i === '3' && existsSync('hang')) await new Promise(() => setInterval(() => {}, 1000));
    appendFileSync('effects.txt', output[0] + '\\n');
    await writeFile(output[0], wildcards.i);
  },
});

export const all = rule('all.txt', {
  name: 'all',
  needs: ['part/0.txt', 'part/1.txt', 'part/2.txt', 'part/3.txt', 'part/4.txt'],
  run: async ({ input, output }) => {
    appendFileSync('effects.txt', output[0] + '\\n');
    await writeFile(output[0], (await Promise.all(input.map((f) => readFile(f, 'utf8')))).join(''));
  },
});

export default ['all.txt'];
`;

describe('a build killed midway', () => {
  it('keeps what it recorded: the next build runs only the rest', async () => {
    const dir = project({ config: false });
    writeFileSync(join(dir, 'rules.ts'), PARTS);
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'hang'), '');
    const log = join(dir, '.weft/targets.log');
    const recorded = (): string[] => {
      try {
        return readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('T\t'))
          .map((l) => l.split('\t')[1]!);
      } catch {
        return [];
      }
    };
    const first = start(['build', '-j', '1', '--quiet'], dir);
    await waitFor(
      () => ['part/0.txt', 'part/1.txt', 'part/2.txt'].every((t) => recorded().includes(t)),
      'the first three parts recorded',
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const kept = recorded();
    expect(kept).not.toContain('part/3.txt');
    expect(kept).not.toContain('all.txt');
    rmSync(join(dir, 'hang'));
    const rest = [
      'part/0.txt',
      'part/1.txt',
      'part/2.txt',
      'part/3.txt',
      'part/4.txt',
      'all.txt',
    ].filter((t) => !kept.includes(t));
    const dry = await weft(['build', '-n'], dir);
    expect(dry.stdout.split('\n').filter((l) => l.startsWith('run '))).toEqual(
      rest.map((t) => `run ${t} [${t === 'all.txt' ? 'all' : 'part'}]: never built`),
    );
    const again = await weft(['build', '--json'], dir);
    expect(again.code).toBe(0);
    expect(parseEvents(again.stdout).at(-1)).toMatchObject({
      type: 'result',
      value: { ran: rest.length, upToDate: 6 - rest.length },
    });
    expect(readFileSync(join(dir, 'all.txt'), 'utf8')).toBe('01234');
    // What was recorded before the kill ran once in all.
    const counts = tally(effects(dir));
    for (const t of kept) expect(counts[t]).toBe(1);
  });
});
