/**
 * What `weft run` and `weft show` print: a failed command's stderr tail in
 * full, not its first line; with --json, events and nothing else, whatever
 * tasks and main print, which goes to the run's log instead.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, parseEvents, project, weft } from './fixtures/cli/harness.ts';

afterAll(cleanup);

const fixture = new URL('./fixtures/cli/loud.ts', import.meta.url).pathname;

function loudProject(): string {
  const dir = project();
  copyFileSync(fixture, join(dir, 'loud.ts'));
  return dir;
}

describe('a failed command', () => {
  it("shows its stderr tail in weft run's plain output and in weft show", async () => {
    const dir = loudProject();
    const r = await weft(['run', 'loud.ts', '--param', 'fail=1'], dir);
    expect(r.code).toBe(1);
    for (const line of ['first', 'second', 'the last line']) expect(r.stderr).toContain(line);
    const runs = JSON.parse((await weft(['runs', '--json'], dir)).stdout) as { id: string }[];
    const show = await weft(['show', runs[0]!.id], dir);
    expect(show.stdout).toContain('noisy #0 failed');
    for (const line of ['first', 'second', 'the last line']) expect(show.stdout).toContain(line);
  });
});

describe('what tasks and main print', () => {
  it.each(['inline', 'threads', 'processes'])(
    'under %s, with --json stdout carries only events, and the prints are log events',
    async (executor) => {
      const dir = loudProject();
      const r = await weft(['run', 'loud.ts', '--json', '--executor', executor], dir);
      expect(r.code, r.stderr).toBe(0);
      const events = parseEvents(r.stdout); // throws on a line that is not JSON
      const logs = events.filter((e) => e.type === 'log');
      expect(logs).toContainEqual(
        expect.objectContaining({
          taskId: -1,
          message: 'main says hello',
          fields: { stream: 'stdout' },
        }),
      );
      const chatty = logs.filter((e) => String(e.message).startsWith('chatty says'));
      expect(chatty.map((e) => e.message).sort()).toEqual(['chatty says 1', 'chatty says 2']);
      expect(chatty.every((e) => (e.taskId as number) >= 0)).toBe(true);
    },
  );

  it("shows main's prints as output, keeps the tasks' in their log, and weft logs has both", async () => {
    const dir = loudProject();
    const r = await weft(['run', 'loud.ts'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('main says hello\n');
    expect(r.stdout + r.stderr).not.toContain('chatty says');
    const runs = JSON.parse((await weft(['runs', '--json'], dir)).stdout) as { id: string }[];
    const logs = await weft(['logs', runs[0]!.id], dir);
    expect(logs.stdout).toContain('main says hello');
    expect(logs.stdout).toContain('chatty says 1');
    expect(logs.stdout).toContain('chatty says 2');
  });
});

describe('what the workflow returned', () => {
  it('is printed at the end, is the last --json line, and weft show --result reads it back', async () => {
    const dir = loudProject();
    const plain = await weft(['run', 'loud.ts'], dir);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain("result: { sum: 'ok', doubled: [ 2, 4 ] }");

    const json = await weft(['run', 'loud.ts', '--json'], dir);
    const lines = parseEvents(json.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'result', value: { sum: 'ok', doubled: [2, 4] } });
    const id = lines.at(-1)!.runId;

    const shown = await weft(['show', id, '--result'], dir);
    expect(shown.stdout).toBe("{ sum: 'ok', doubled: [ 2, 4 ] }\n");
    const asJson = await weft(['show', id, '--result', '--json'], dir);
    expect(JSON.parse(asJson.stdout)).toEqual({ sum: 'ok', doubled: [2, 4] });
  });

  it('is missing for a run that failed, which weft show --result says', async () => {
    const dir = loudProject();
    const r = await weft(['run', 'loud.ts', '--param', 'fail=1', '--json'], dir);
    const id = parseEvents(r.stdout)[0]!.runId;
    const shown = await weft(['show', id, '--result'], dir);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toBe(`run ${id} has no result: it ended failed\n`);
  });
});
