/**
 * @module
 * The processes an earlier session of a run left behind. Every process weft
 * starts for a run (workers, spawn servers, programs) carries its
 * coordinator's mark (`util/coordinator-marker.ts`) and dies with it; a
 * resume waits, briefly, until none of the dead coordinator's processes is
 * left, and refuses to start beside one that lingers. Found through `/proc`
 * (Linux); elsewhere nothing is found.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { RunProcessesAliveError } from '../errors/run.ts';
import { COORDINATOR_VAR } from '../util/coordinator-marker.ts';

/** A process of a run's earlier session. */
export interface Orphan {
  readonly pid: number;
  /** Its command line, for the message. */
  readonly command: string;
}

/** Whether process `pid` of this host is alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live processes marked as working for coordinator `mark` (`host:pid`). */
export function findOrphans(mark: string): Orphan[] {
  if (process.platform !== 'linux') return [];
  const wanted = `${COORDINATOR_VAR}=${mark}`;
  const found: Orphan[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!env.split('\0').includes(wanted)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      // A zombie has exited; only its parent has not reaped it yet.
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

/**
 * Resolves once no process of the run's earlier session is alive, waiting
 * up to `waitMs` for them to die with their coordinator; else throws
 * `RunProcessesAliveError` naming them.
 */
export async function awaitOrphans(runId: string, mark: string, waitMs = 10_000): Promise<void> {
  const until = Date.now() + waitMs;
  let left = findOrphans(mark);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = findOrphans(mark);
  }
  if (left.length === 0) return;
  const shown = left
    .slice(0, 5)
    .map((o) => `pid ${o.pid} (${o.command.slice(0, 60)})`)
    .join(', ');
  throw new RunProcessesAliveError(
    runId,
    left.map((o) => o.pid),
    `${shown}${left.length > 5 ? ', ...' : ''}`,
  );
}
