/**
 * The Slurm cluster the tests run against: the repository's own
 * single-node cluster (scripts/slurm.sh start .cache/slurm), started if it
 * is not running and left running for the other test files (CI stops it:
 * scripts/slurm.sh stop .cache/slurm). Where the script cannot start Slurm
 * (not root, no packages and no apt), `slurmSkip` says why and the Slurm
 * tests are skipped, saying so; unless WEFT_REQUIRE_SERVICES=1 (CI), where
 * that fails them.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const script = `${repoRoot}scripts/slurm.sh`;
const dir = `${repoRoot}.cache/slurm`;

function start(): string | undefined {
  try {
    const out = execFileSync('bash', [script, 'start', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = out.split('\n').find((l) => l.startsWith('SLURM_CONF='));
    if (line === undefined) return `scripts/slurm.sh printed no SLURM_CONF line: ${out}`;
    process.env.SLURM_CONF = line.slice('SLURM_CONF='.length);
    return undefined;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return `scripts/slurm.sh start could not start Slurm: ${(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' / ')}`;
  }
}

/** Why the Slurm tests cannot run here, or undefined when the cluster is up. */
export const slurmSkip: string | undefined = start();
if (slurmSkip !== undefined) {
  // CI (.ci/run) installs Slurm and sets this: there, a cluster that does not start fails the tests.
  if (process.env.WEFT_REQUIRE_SERVICES === '1') throw new Error(slurmSkip);
  // biome-ignore lint/suspicious/noConsole: says in the test output why the Slurm tests are skipped
  console.warn(`SKIPPED Slurm tests: ${slurmSkip}`);
}
