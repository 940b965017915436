/**
 * @module
 * Where a worker rebuilds the resources its tasks declare: the mode of a
 * configuration file, with the run's merged config and parameters. Plain
 * data, sent to each worker once.
 */

export interface ResourceSource {
  /** Path of the `weft.config.ts` the mode was loaded from. */
  readonly configFile: string;
  readonly mode: string;
  /** The run's merged config, keyed by resource name. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly runId: string;
}
