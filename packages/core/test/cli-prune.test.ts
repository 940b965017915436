/**
 * `weft cache clear` and `weft prune`, spawned as a user runs them: a cached
 * task hits until the cache is cleared; prune deletes ended runs and the
 * artifacts nothing references any more, and with --dry-run only says so.
 */
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanup,
  effects,
  parseEvents,
  project,
  runIdOf,
  start,
  waitFor,
  weft,
} from './fixtures/cli/harness.ts';

afterEach(cleanup);

/** A workflow of one cached task whose result (over 64 KiB) is kept as an artifact. */
const CACHED = `
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { submit, task } from '@weft/core';

export const big = task({ name: 'big', cache: true }, async (ctx, tag: string) => {
  appendFileSync(join(import.meta.dirname, 'effects.txt'), 'big ' + tag + '\\n');
  return tag + ':' + 'x'.repeat(100_000);
});

export default async function main(params: { tag?: string }) {
  const value = await submit(big, params.tag ?? 'a');
  return value.length;
}
`;

/** A project with the cached workflow in `cached.ts`. */
function cachedProject(): string {
  const dir = project();
  writeFileSync(join(dir, 'cached.ts'), CACHED);
  return dir;
}

/** Runs a workflow with --json; its run id, and whether its task was a cache hit. */
async function recorded(dir: string, file: string, ...args: string[]) {
  const r = await weft(['run', file, '--json', ...args], dir);
  const events = parseEvents(r.stdout);
  return { id: events[0]!.runId, code: r.code, hit: events.some((e) => e.type === 'cached') };
}

/** The hashes in the project's artifact store. */
function artifacts(dir: string): string[] {
  const root = join(dir, '.weft', 'artifacts');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .flatMap((d) => readdirSync(join(root, d)).map((f) => d + f))
    .sort();
}

async function runIds(dir: string): Promise<string[]> {
  const r = await weft(['runs', '--json'], dir);
  return (JSON.parse(r.stdout) as { id: string }[]).map((run) => run.id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('weft cache clear', () => {
  it('makes a cached task a miss; --older-than spares recent runs', async () => {
    const dir = cachedProject();
    expect((await recorded(dir, 'cached.ts')).hit).toBe(false);
    expect((await recorded(dir, 'cached.ts')).hit).toBe(true);
    expect(effects(dir)).toEqual(['big a']);

    const recent = await weft(['cache', 'clear', '--older-than', '1d'], dir);
    expect(recent.code).toBe(0);
    expect(recent.stdout).toMatch(
      /^forgot 0 cached results \(runs started before \d{4}-\d\d-\d\d /,
    );
    expect((await recorded(dir, 'cached.ts')).hit).toBe(true);

    const all = await weft(['cache', 'clear'], dir);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe('forgot 1 cached result\n');
    expect((await recorded(dir, 'cached.ts')).hit).toBe(false);
    expect(effects(dir)).toEqual(['big a', 'big a']);
    // The runs and their results stay.
    expect(await runIds(dir)).toHaveLength(4);
    expect(artifacts(dir)).toHaveLength(1);
  });

  it('says there is nothing to clear without a store', async () => {
    const r = await weft(['cache', 'clear'], project({ config: false }));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('nothing to clear: no run store at ');
  });
});

describe('weft prune', () => {
  it('with --dry-run, lists the runs it would delete and deletes nothing', async () => {
    const dir = cachedProject();
    const first = await recorded(dir, 'steps.ts');
    const second = await recorded(dir, 'cached.ts');
    const held = artifacts(dir);
    expect(held).toHaveLength(1);

    const text = await weft(['prune', '--older-than', '0s', '--dry-run'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('would delete 2 runs that ended before ');
    const lines = text.stdout.split('\n');
    expect(lines.findIndex((l) => l.includes(first.id))).toBeLessThan(
      lines.findIndex((l) => l.includes(second.id)),
    );
    expect(text.stdout).toMatch(/would delete 1 unreferenced artifact \(\d+\.\d KiB\) from /);

    const json = await weft(['prune', '--older-than', '0s', '--dry-run', '--json'], dir);
    expect(JSON.parse(json.stdout)).toMatchObject({
      dryRun: true,
      runs: [first.id, second.id],
      artifacts: held,
      artifactStore: join(dir, '.weft', 'artifacts'),
    });
    expect(await runIds(dir)).toEqual([second.id, first.id]);
    expect(artifacts(dir)).toEqual(held);
  });

  it('deletes ended runs and the artifacts no remaining run references', async () => {
    const dir = cachedProject();
    const old = await recorded(dir, 'cached.ts', '--param', 'tag=a');
    const oldArtifacts = artifacts(dir);
    await sleep(2500);
    const fresh = await recorded(dir, 'cached.ts', '--param', 'tag=b');
    const kept = artifacts(dir).filter((h) => !oldArtifacts.includes(h));
    expect([oldArtifacts, kept].map((a) => a.length)).toEqual([1, 1]);

    const r = await weft(['prune', '--older-than', '2s', '--json'], dir);
    expect(r.code).toBe(0);
    const pruned = JSON.parse(r.stdout);
    expect(pruned).toMatchObject({ dryRun: false, runs: [old.id], artifacts: oldArtifacts });
    expect(pruned.bytes).toBeGreaterThan(100_000);
    expect(await runIds(dir)).toEqual([fresh.id]);
    expect(artifacts(dir)).toEqual(kept);
    expect((await weft(['show', old.id], dir)).code).toBe(2);
    // Its cached result went with it; the fresh run's is still there.
    expect((await recorded(dir, 'cached.ts', '--param', 'tag=b')).hit).toBe(true);
    expect((await recorded(dir, 'cached.ts', '--param', 'tag=a')).hit).toBe(false);

    const all = await weft(['prune', '--older-than', '0s'], dir);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^deleted 3 runs that ended before .*:\n/);
    expect(all.stdout).toMatch(/deleted 2 unreferenced artifacts \(\d+\.\d KiB\) from /);
    expect(await runIds(dir)).toEqual([]);
    expect(artifacts(dir)).toEqual([]);
  });

  it('keeps a run that ended more recently than --older-than', async () => {
    const dir = cachedProject();
    const run = await recorded(dir, 'cached.ts');
    const r = await weft(['prune', '--older-than', '1d'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deleted 0 runs that ended before /);
    expect(r.stdout).toContain('deleted 0 unreferenced artifacts from ');
    expect(await runIds(dir)).toEqual([run.id]);
    expect(artifacts(dir)).toHaveLength(1);
  });

  it("keeps what another mode's run store references in the shared artifact folder", async () => {
    const dir = cachedProject();
    // Mode `other` records in a store of its own, but keeps results in .weft/artifacts too.
    writeFileSync(
      join(dir, 'weft.config.ts'),
      `import { defineConfig, inline, resourceSet, sqliteRunStore } from '@weft/core';
export default defineConfig({
  modes: {
    dev: resourceSet({ executor: inline() }),
    other: resourceSet({ executor: inline(), runStore: sqliteRunStore({ path: 'other/weft.db' }) }),
  },
  defaultMode: 'dev',
});
`,
    );
    const other = await recorded(dir, 'cached.ts', '--mode', 'other', '--param', 'tag=a');
    const otherArtifacts = artifacts(dir);
    await recorded(dir, 'cached.ts', '--param', 'tag=b');
    expect(artifacts(dir)).toHaveLength(2);

    const dev = await weft(['prune', '--older-than', '0s', '--json'], dir);
    expect(dev.code).toBe(0);
    expect(JSON.parse(dev.stdout).artifacts).toHaveLength(1);
    expect(artifacts(dir)).toEqual(otherArtifacts);
    expect(await runIds(dir)).toEqual([]);

    const r = await weft(['prune', '--older-than', '0s', '--mode', 'other', '--json'], dir);
    expect(JSON.parse(r.stdout)).toMatchObject({
      runs: [other.id],
      artifacts: otherArtifacts,
      artifactStore: join(dir, '.weft', 'artifacts'),
    });
    expect(artifacts(dir)).toEqual([]);
  });

  it('never deletes a running run, nor what it may be about to reference', async () => {
    const dir = cachedProject();
    writeFileSync(join(dir, 'hold'), '');
    const held = start(['run', 'steps.ts', '--json'], dir);
    await waitFor(() => effects(dir).includes('start step2'), 'step 2 to start');
    const running = runIdOf(held.out)!;
    // Written while that run runs: pruning cannot tell it from one that run is about to record.
    const ended = await recorded(dir, 'cached.ts');
    const written = artifacts(dir);

    const r = await weft(['prune', '--older-than', '0s'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deleted 1 run that ended before .*:\n/);
    expect(r.stdout).toContain(ended.id);
    expect(r.stdout).toContain('deleted 0 unreferenced artifacts from ');
    expect(r.stdout).toMatch(/kept 1 unreferenced artifact written since .*: a run still running/);
    expect(await runIds(dir)).toEqual([running]);
    expect(artifacts(dir)).toEqual(written);

    rmSync(join(dir, 'hold'));
    expect((await held.exited).code).toBe(0);
    const after = await weft(['prune', '--older-than', '0s', '--json'], dir);
    expect(JSON.parse(after.stdout)).toMatchObject({ runs: [running], artifacts: written });
    expect(artifacts(dir)).toEqual([]);
  });

  it('refuses a bad or missing --older-than with exit 2, naming the flag', async () => {
    const dir = project();
    for (const args of [
      ['prune', '--older-than', '3x'],
      ['prune', '--older-than', '30'],
      ['prune', '--older-than', '-1d'],
      ['prune'],
      ['cache', 'clear', '--older-than', 'soon'],
    ]) {
      const r = await weft(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain('--older-than');
    }
    const bad = await weft(['prune', '--older-than', '3x'], dir);
    expect(bad.stderr).toBe(
      'error: --older-than "3x": not a duration; give a number and a unit: 90s, 30m, 12h, 7d\n',
    );
  });
});
