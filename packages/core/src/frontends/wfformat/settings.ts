/**
 * @module
 * How an imported instance runs: its parameters (what `weft run` passes as
 * params, and what `load` takes as defaults), each optional with a
 * documented default, compiled once into `WfSettings`. The same checks are
 * a Standard Schema for the command line, so a bad `--param` or flag is
 * refused before the run starts, naming it.
 */
import { availableParallelism } from 'node:os';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { InvalidOptionError } from '../../errors/run.ts';
import type { WfOrder } from './plan.ts';

/** `simulate`: each task waits its runtime; `files`: it also writes its outputs and checks its inputs. */
export type WfMode = 'simulate' | 'files';

/** The parameters of a run of an instance. */
export interface WfParams {
  /** @default 'simulate' */
  readonly mode?: WfMode;
  /** Multiplies every recorded runtime (0.01: a hundred times faster). @default 1 */
  readonly timeScale?: number;
  /**
   * The capacity in cores the run has: the lower bound is computed for it,
   * and a task that recorded more cores takes this many. `weft run` and
   * `wfformat.run` give the executor this many cpus. @default os.availableParallelism()
   */
  readonly cores?: number;
  /** In `files` mode, the most bytes written for one file. @default 1 MiB */
  readonly sizeCap?: number;
  /** In `files` mode, where the files go. @default `.weft/wfformat/<run id>` in the working directory */
  readonly filesDir?: string;
  /** The ready queue's order. @default 'longest-path' */
  readonly order?: WfOrder;
}

/** Parameters checked, with their defaults. */
export interface WfSettings {
  readonly mode: WfMode;
  readonly timeScale: number;
  readonly cores: number;
  readonly sizeCap: number;
  readonly filesDir: string | undefined;
  readonly order: WfOrder;
}

const MODES: readonly WfMode[] = ['simulate', 'files'];
const ORDERS: readonly WfOrder[] = ['longest-path', 'fifo'];
const KEYS = ['mode', 'timeScale', 'cores', 'sizeCap', 'filesDir', 'order'];

/** The default cap of a file's size in `files` mode: 1 MiB. */
export const DEFAULT_SIZE_CAP = 1024 * 1024;

/**
 * Checks `params` and fills in what they leave out from `base` (else the
 * defaults); throws `InvalidOptionError` naming the parameter.
 */
export function compileSettings(params: unknown = {}, base?: WfSettings): WfSettings {
  const problem = problemOf(params);
  if (problem !== undefined) throw new InvalidOptionError(`WfFormat run: ${problem}`);
  const p = params as WfParams;
  return {
    mode: p.mode ?? base?.mode ?? 'simulate',
    timeScale: p.timeScale ?? base?.timeScale ?? 1,
    cores: p.cores ?? base?.cores ?? availableParallelism(),
    sizeCap: p.sizeCap ?? base?.sizeCap ?? DEFAULT_SIZE_CAP,
    filesDir: p.filesDir ?? base?.filesDir,
    order: p.order ?? base?.order ?? 'longest-path',
  };
}

/** Settings as params (what a run records, to be resumed with). */
export function settingsParams(s: WfSettings): Record<string, unknown> {
  const { filesDir, ...rest } = s;
  return filesDir === undefined ? { ...rest } : { ...rest, filesDir };
}

function problemOf(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return 'params must be an object like { timeScale: 0.01 }';
  }
  const p = params as Record<string, unknown>;
  for (const key of Object.keys(p)) {
    if (!KEYS.includes(key)) return `unknown parameter ${key}; it takes ${KEYS.join(', ')}`;
  }
  const { mode, timeScale, cores, sizeCap, filesDir, order } = p;
  if (mode !== undefined && !MODES.includes(mode as WfMode)) {
    return `mode must be ${MODES.join(' or ')}, got ${JSON.stringify(mode)}`;
  }
  if (order !== undefined && !ORDERS.includes(order as WfOrder)) {
    return `order must be ${ORDERS.join(' or ')}, got ${JSON.stringify(order)}`;
  }
  if (timeScale !== undefined && !(typeof timeScale === 'number' && timeScale >= 0)) {
    return `timeScale must be a number from 0, got ${JSON.stringify(timeScale)}`;
  }
  if (timeScale === Number.POSITIVE_INFINITY) return 'timeScale must be finite';
  if (cores !== undefined && !(typeof cores === 'number' && Number.isFinite(cores) && cores > 0)) {
    return `cores must be a number above 0, got ${JSON.stringify(cores)}`;
  }
  if (sizeCap !== undefined && !(Number.isSafeInteger(sizeCap) && (sizeCap as number) >= 0)) {
    return `sizeCap must be a whole number of bytes from 0, got ${JSON.stringify(sizeCap)}`;
  }
  if (filesDir !== undefined && (typeof filesDir !== 'string' || filesDir === '')) {
    return 'filesDir must be a non-empty path';
  }
  return undefined;
}

/** The parameters as a Standard Schema: what `weft run` validates `--param` and its flags with. */
export const paramsSchema: StandardSchemaV1<unknown, WfParams> = {
  '~standard': {
    version: 1,
    vendor: 'weft',
    validate(value: unknown) {
      const problem = problemOf(value ?? {});
      return problem === undefined
        ? { value: (value ?? {}) as WfParams }
        : { issues: [{ message: problem }] };
    },
  },
};
