/**
 * @module
 * The built page the browser tests load: built (`npm run build:page -w
 * @weft/ui`, as the project's build does) when it is missing or older than
 * its sources, by one test file at a time (a lock directory).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, waitFor } from './project.ts';

const UI = join(REPO, 'packages/ui');
export const PAGE_DIR = join(UI, 'dist/page');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = 0;
  for (const name of readdirSync(path)) t = Math.max(t, newest(join(path, name)));
  return t;
}

function fresh(): boolean {
  try {
    return statSync(join(PAGE_DIR, 'index.html')).mtimeMs >= newest(join(UI, 'page'));
  } catch {
    return false;
  }
}

/** Builds the page unless its build is up to date. */
export async function ensurePageBuilt(): Promise<void> {
  if (fresh()) return;
  const lock = join(REPO, '.cache', 'ui-page-build.lock');
  mkdirSync(join(REPO, '.cache'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file builds it: wait for its lock to go, then look again.
      await waitFor(
        () => {
          try {
            statSync(lock);
            return false;
          } catch {
            return true;
          }
        },
        'the page build of another test file',
        120_000,
      );
      if (fresh()) return;
    }
  }
  try {
    if (!fresh()) {
      execFileSync(
        process.execPath,
        [
          join(REPO, 'node_modules/vite/bin/vite.js'),
          'build',
          '--config',
          'page/vite.config.ts',
          '--logLevel',
          'warn',
        ],
        {
          cwd: UI,
          stdio: ['ignore', 'ignore', 'inherit'],
          env: { ...process.env, NODE_ENV: 'production' },
        },
      );
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
