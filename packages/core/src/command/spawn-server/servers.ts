/**
 * @module
 * The spawn servers of this process (of this thread, in a worker thread),
 * and `launchOnServer`, the launcher of command tasks. The first server
 * starts with the first program; another starts when all are busy, up to
 * `WEFT_SPAWN_SERVERS`. A server that dies is replaced on the next program.
 * When no server can start, programs are started directly from then on;
 * the first that finds out says why in a debug line.
 *
 * `WEFT_SPAWN_SERVERS` defaults to one per core on Linux, where libuv forks
 * the whole process for each spawn (a server's event loop waits on each of
 * its forks, so one server alone caps the rate at which programs start),
 * and to 0 elsewhere (macOS's libuv uses posix_spawn, whose cost does not
 * grow with the process): 0 starts every program directly.
 */
import { availableParallelism } from 'node:os';
import type { Launcher } from '../launch.ts';
import { launchDirect } from '../launch-direct.ts';
import { SpawnServer } from './client.ts';

let servers: SpawnServer[] = [];
/** At most this many servers: `WEFT_SPAWN_SERVERS`, read on the first program. */
let most: number | undefined;
/** Why programs are started directly, once no server can start. */
let unavailable: string | undefined;

/** Starts programs on a spawn server, or directly when none can run. */
export const launchOnServer: Launcher = (request, events) => {
  most ??= serverCount();
  if (most === 0 || unavailable !== undefined) return launchDirect(request, events);
  const server = pick(most);
  if (server === undefined) {
    events.note(`started directly: ${unavailable}`);
    return launchDirect(request, events);
  }
  return server.launch(request, events);
};

/** The least busy server, after starting another if all are busy and there is room. */
function pick(limit: number): SpawnServer | undefined {
  let best: SpawnServer | undefined;
  for (const s of servers) if (s.usable && (best === undefined || s.load < best.load)) best = s;
  if (best !== undefined && (best.load === 0 || servers.length >= limit)) return best;
  try {
    const started = new SpawnServer(onEnd);
    servers.push(started);
    return started;
  } catch (error) {
    unavailable = `the spawn server could not be started: ${(error as Error).message}`;
    return undefined;
  }
}

function onEnd(server: SpawnServer, why: string, wasReady: boolean): void {
  servers = servers.filter((s) => s !== server);
  // A server that never got ready will not do better next time.
  if (!wasReady) unavailable ??= why;
}

function serverCount(): number {
  const text = process.env.WEFT_SPAWN_SERVERS;
  const n = text === undefined || text === '' ? Number.NaN : Number(text);
  if (Number.isSafeInteger(n) && n >= 0) return n;
  return process.platform === 'linux' ? availableParallelism() : 0;
}
