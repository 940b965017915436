/**
 * @module
 * What a worker advertises with its heartbeat: who it is (host, pid, weft
 * version, the fingerprint of its secret), what it has (concurrency, cpus,
 * memory, gpus, tags), and whether it is stopping. Coordinators place tasks
 * from it; the heartbeat's expiry is how they learn a worker is lost.
 */

export interface Advert {
  readonly id: string;
  /** `host:pid`: names the worker in messages and in `weft show`. */
  readonly label: string;
  readonly host: string;
  readonly pid: number;
  readonly version: string;
  /** Fingerprint of its `WEFT_QUEUE_SECRET` (see `Signer.keyId`). */
  readonly keyId: string;
  /** Jobs it runs at once. */
  readonly concurrency: number;
  readonly cpus: number;
  readonly memoryMb: number;
  readonly gpus: number;
  readonly tags: readonly string[];
  /** It is stopping: it takes no new job. */
  readonly draining: boolean;
  /** Its heartbeat interval; the heartbeat expires after three. */
  readonly intervalMs: number;
}

/** The advert in a heartbeat's text; undefined when it is not one. */
export function parseAdvert(text: string): Advert | undefined {
  let a: Partial<Advert>;
  try {
    a = JSON.parse(text) as Partial<Advert>;
  } catch {
    return undefined;
  }
  const numbers = [a.pid, a.concurrency, a.cpus, a.memoryMb, a.gpus, a.intervalMs];
  if (
    typeof a !== 'object' ||
    a === null ||
    typeof a.id !== 'string' ||
    typeof a.label !== 'string' ||
    typeof a.version !== 'string' ||
    typeof a.keyId !== 'string' ||
    !numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) ||
    !Array.isArray(a.tags)
  ) {
    return undefined;
  }
  return a as Advert;
}

/** What a worker offers, in words: `cpus 8, memoryMb 16000, gpus 0, tags ssd`. */
export function describeOffer(a: Advert): string {
  const tags = a.tags.length === 0 ? 'no tags' : `tags ${a.tags.join(' ')}`;
  return `cpus ${a.cpus}, memoryMb ${a.memoryMb}, gpus ${a.gpus}, ${tags}`;
}
