/**
 * @module
 * The weft version this copy of weft is, read once from its package.json.
 * Coordinator and workers compare theirs before running anything.
 */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** This copy of weft's version (`0.1.0`). */
export function weftVersion(): string {
  // src/executor/pool/ and dist/executor/pool/ are both three levels below the package.
  version ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  return version;
}
