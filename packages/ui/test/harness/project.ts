/**
 * @module
 * Projects for the tests of `@weft/ui`: a directory under the repository's
 * `.cache/ui-tests/` (so `@weft/core` and `@weft/ui` resolve through the
 * workspace) whose `package.json` declares `@weft/ui` (so `weft` loads the
 * plugin), with the fixture workflows; the `weft` command spawned as a
 * user runs it (the built `bin/weft.js`); and waiting on a condition.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
export const BIN = join(REPO, 'packages/core/bin/weft.js');
/** Where the tests put their screenshots (kept by CI as an artifact). */
export const SHOTS = join(REPO, '.cache', 'screenshots');

const made: string[] = [];

/** A new empty directory under `.cache/ui-tests/`, removed by `cleanup()`. */
export function scratch(prefix = 'p-'): string {
  const base = join(REPO, '.cache', 'ui-tests');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, prefix));
  made.push(dir);
  return dir;
}

/** A new project directory with the fixture workflows; `store` is its run store file. */
export function project(): { dir: string; store: string } {
  const dir = scratch();
  for (const f of ['gate.ts', 'live.ts', 'showcase.ts', 'flaky.ts', 'wide.ts', 'tasks.ts'])
    copyFileSync(join(here, f), join(dir, f));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'ui-test',
      private: true,
      type: 'module',
      dependencies: { '@weft/ui': '*' },
    }),
  );
  mkdirSync(join(dir, 'gates'));
  return { dir, store: join(dir, '.weft', 'weft.db') };
}

/** Removes the projects made so far. */
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Opens the gate a task of `live.ts` waits for. */
export function openGate(dir: string, name: string): void {
  writeFileSync(join(dir, 'gates', name), '');
}

/** The environment of a spawned `weft`: none of the variables that change its output or mode. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(NO_COLOR|FORCE_COLOR|WEFT_.*|VITEST.*|TERM)$/.test(k)) delete env[k];
  }
  return env;
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly out: { stdout: string; stderr: string };
  readonly exited: Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>;
}

const children = new Set<ChildProcess>();

/** Starts `weft <args>` in `cwd`. */
export function weft(args: readonly string[], cwd: string): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out.stdout += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out.stderr += d;
  });
  const exited = new Promise<{
    code: number | null;
    signal: string | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, ...out });
    });
  });
  return { child, out, exited };
}

/** Stops the `weft` processes still running (by their pids), and waits for them. */
export async function stopAll(): Promise<void> {
  const waits = [...children].map(
    (c) =>
      new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.kill('SIGTERM');
      }),
  );
  await Promise.all(waits);
}

/** Polls `check` every 20 ms until it returns true; fails after `ms` with `what`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 15_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
