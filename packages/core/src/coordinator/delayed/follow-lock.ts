/**
 * @module
 * One follower of a delayed run at a time: two `weft show` at once must not
 * both record that a task ended. The lock is a file beside the run store
 * (created exclusively, holding the holder's pid); a lock whose process is
 * gone is taken over. A store in memory lives in one process: no lock.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * Runs `f` holding the lock of run `runId` in the store at `location`;
 * resolves without running it when another live process holds the lock.
 */
export async function withFollowLock(
  location: string,
  runId: string,
  f: () => Promise<void>,
): Promise<void> {
  if (!isAbsolute(location)) return f();
  const dir = join(dirname(location), 'locks');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `follow-${runId}.lock`);
  if (!take(path)) return;
  try {
    await f();
  } finally {
    rmSync(path, { force: true });
  }
}

function take(path: string): boolean {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (holderAlive(path)) return false;
    rmSync(path, { force: true });
  }
  return false;
}

function holderAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
