/**
 * @module
 * What a worker checks before it runs a job, whose signature it has
 * already checked: the coordinator's weft version is its own; the task's
 * module (and the config file its resources are rebuilt from) lie inside
 * the worker's project root, symlinks resolved; the module's local import
 * graph is the one the coordinator hashed; and the task's requirements fit
 * what the worker has. A job failing any is refused, saying why, and goes
 * to another worker.
 *
 * Node imports a module once per process: a worker that imported a copy of
 * a module refuses jobs naming another copy of it (the project was updated
 * under a running worker), since it could only run the old one; restarting
 * the worker lets it run the new code.
 */
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ModuleChangedError } from '@weft/core';
import { moduleHash, weftVersion } from '@weft/core/worker';
import type { Advert } from '../common/advert.ts';
import { insideRoot } from '../common/root.ts';
import type { JobPayload } from '../common/wire.ts';
import { fits } from '../coordinator/placement.ts';
import { JobRefusedError, ModuleOutsideRootError } from '../errors.ts';

export type Verdict =
  | {
      readonly ok: true;
      readonly url: string;
      /** The module's import graph (the token the worker host checks the files against). */
      readonly graph: string;
      readonly configFile: string | undefined;
    }
  | { readonly ok: false; readonly error: JobRefusedError }
  /** The job names a graph by id that this worker was never sent. */
  | { readonly ok: false; readonly error: undefined };

export class Guard {
  readonly #root: string;
  readonly #advert: Advert;
  /** Module graphs coordinators sent (the token, and the hash in it), by session and id. */
  readonly #graphs = new Map<string, { readonly token: string; readonly hash: string }>();
  /** The graph (hash) of each module imported here, by URL. */
  readonly #imported = new Map<string, string>();
  /** What `#inside` found for each path (a file's place does not change under a running worker). */
  readonly #resolved = new Map<string, string | undefined>();
  readonly #urls = new Map<string, string>();

  constructor(root: string, advert: Advert) {
    this.#root = realpathSync(root);
    this.#advert = advert;
  }

  check(p: JobPayload): Verdict {
    const task = `${p.n}#${p.i}`;
    const label = this.#advert.label;
    const refuse = (reason: JobRefusedError['reason'], why: string, cause?: unknown): Verdict => ({
      ok: false,
      error: new JobRefusedError(
        task,
        label,
        reason,
        why,
        cause === undefined ? undefined : { cause },
      ),
    });
    const own = weftVersion();
    if (p.v !== own) {
      return refuse(
        'version',
        `the coordinator runs weft ${p.v} and this worker runs weft ${own}; install one weft version for both`,
      );
    }
    const file = this.#inside(p.mod);
    if (file === undefined) {
      const error = new ModuleOutsideRootError(task, p.mod, this.#root);
      return refuse(
        'root',
        `its module ${p.mod} is not a file inside this worker's project root ${this.#root}`,
        error,
      );
    }
    let configFile: string | undefined;
    if (p.src !== undefined) {
      configFile = this.#inside(p.src.source.configFile);
      if (configFile === undefined) {
        return refuse(
          'root',
          `its resources' config file ${p.src.source.configFile} is not a file inside this worker's project root ${this.#root}`,
        );
      }
    }
    if (!fits(this.#advert, p.q)) {
      return refuse('resources', `it needs ${JSON.stringify(p.q)}, more than this worker has`);
    }
    const graphKey = `${p.s} ${p.h}`;
    if (p.t !== undefined) this.#graphs.set(graphKey, { token: p.t, hash: graphOf(p.t) });
    const graph = this.#graphs.get(graphKey);
    if (graph === undefined) return { ok: false, error: undefined };
    const { token, hash: wanted } = graph;
    let url = this.#urls.get(file);
    if (url === undefined) {
      url = pathToFileURL(file).href;
      this.#urls.set(file, url);
    }
    const imported = this.#imported.get(url);
    if (imported !== undefined) {
      if (imported === wanted) return { ok: true, url, graph: token, configFile };
      return refuse(
        'module',
        `this worker already imported another copy of ${p.mod} (it changed since); restart the worker to run the new code`,
        new ModuleChangedError(task, url),
      );
    }
    let mine: string;
    try {
      mine = graphOf(moduleHash(url));
    } catch (cause) {
      return refuse('module', `it cannot read its module ${file}`, cause);
    }
    if (mine !== wanted) {
      return refuse(
        'module',
        `its copy of ${p.mod} (or of a module it imports) differs from the coordinator's`,
        new ModuleChangedError(task, url),
      );
    }
    this.#imported.set(url, wanted);
    return { ok: true, url, graph: token, configFile };
  }

  /** Forgets the graphs a session sent (it ended). */
  forget(session: string): void {
    for (const key of this.#graphs.keys())
      if (key.startsWith(`${session} `)) this.#graphs.delete(key);
  }

  /** The real path of a root-relative path when it is a file inside the root. */
  #inside(rel: string): string | undefined {
    if (typeof rel !== 'string' || rel === '' || rel.startsWith('/') || rel.includes('\0')) {
      return undefined;
    }
    if (this.#resolved.has(rel)) return this.#resolved.get(rel);
    const path = join(this.#root, ...rel.split('/'));
    const real = existsSync(path) ? realpathSync(path) : undefined;
    const inside =
      real !== undefined && insideRoot(this.#root, real) !== undefined ? real : undefined;
    // Only what was found is kept: a file missing now may be created (a checkout under way).
    if (inside !== undefined) this.#resolved.set(rel, inside);
    return inside;
  }
}

/** The graph's hash in a module token (paths do not count: a moved project hashes the same). */
function graphOf(token: string): string {
  try {
    const graph = (JSON.parse(token) as { graph?: unknown }).graph;
    return typeof graph === 'string' ? graph : token;
  } catch {
    return token;
  }
}
