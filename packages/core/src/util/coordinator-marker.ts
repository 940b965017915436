/**
 * @module
 * The mark every process weft starts for a run carries in its environment
 * (workers, spawn servers, the programs of command tasks): which
 * coordinator process they work for, as `host:pid`. After the coordinator
 * was killed, a resume finds the ones still alive by it (`orphans.ts`).
 */
import { hostname } from 'node:os';

/** The environment variable that carries the mark. */
export const COORDINATOR_VAR = 'WEFT_COORDINATOR';

/**
 * The mark of this process's work: the one it was started with (a worker
 * works for its coordinator), else its own `host:pid`.
 */
export function coordinatorMark(): string {
  return process.env[COORDINATOR_VAR] ?? `${hostname()}:${process.pid}`;
}
