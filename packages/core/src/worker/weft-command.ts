/**
 * @module
 * How another process, a batch job for one, starts this very weft: this
 * Node and weft's own `bin/weft.js`, so that the job runs the version that
 * wrote its task file.
 */
import { fileURLToPath } from 'node:url';

/** `[node, weft.js]`: the command line of this weft, to which a job appends `exec ...`. */
export function weftCommand(): [string, string] {
  // src/worker/ and dist/worker/ are both two levels below the package.
  return [process.execPath, fileURLToPath(new URL('../../bin/weft.js', import.meta.url))];
}
