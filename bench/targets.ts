/**
 * @module
 * The targets front end against GNU make, each tool in a fresh process on
 * the same tree, in one run:
 *
 * - plan: a dry run (`weft build -n`, `make -n`, output to /dev/null) of a
 *   graph of `--jobs` jobs from three rules: L files made from nothing
 *   (`touch`), a per-file rule (`cp`), and a binary tree of merges (`cat`),
 *   3L - 1 jobs. make reads two equivalent Makefiles: pattern rules with
 *   the merge tree's prerequisites listed, and one explicit rule per
 *   target; the faster is the baseline. Goal: at most 10 s and 2x make.
 * - touch: `--touch` file rules (one rule per file, as many Makefile
 *   rules), each `touch`ing its file, built with `-j<parallel>`, against
 *   `make -j<parallel>`, with and without `-r` (`bench/commands.ts` runs
 *   make without it; weft on the inline executor, programs started by its
 *   spawn servers: that benchmark's setting).
 * - no-op: `--noop` file targets, each copied from a source by a function
 *   step, all up to date (weft built them first): `weft build` against
 *   `make`. weft's first no-op after a build reads the files written within
 *   100 ms of being hashed again (its racily-clean guard) and records them;
 *   the later ones only `stat`. Both are shown.
 *
 * make runs with `-r` (no built-in implicit rules: they cost it a search
 * per target), its fastest for these Makefiles. Prints wall seconds (best of `--repeat`) and ratios to make.
 *
 *   node bench/targets.ts [--jobs 1000000] [--touch 10000] [--noop 100000]
 *     [--parallel 2] [--repeat 1] [--dir /tmp] [--cases plan,touch,noop]
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable } from './table.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000000' },
    touch: { type: 'string', default: '10000' },
    noop: { type: 'string', default: '100000' },
    parallel: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '1' },
    dir: { type: 'string', default: tmpdir() },
    cases: { type: 'string', default: 'plan,touch,noop' },
  },
});
const repeat = Number(values.repeat);
const parallel = Number(values.parallel);
const cases = new Set(values.cases.split(','));
const REPO = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(REPO, 'packages/core/bin/weft.js');

/** A fresh directory where `@weft/core` resolves (a link to the repository's node_modules). */
function workspace(name: string): string {
  const dir = mkdtempSync(join(values.dir, `weft-bench-targets-${name}-`));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return dir;
}

/** Wall seconds of a program run in `cwd`, stdout to /dev/null; fails on a non-zero exit. */
function timed(cmd: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): number {
  const devnull = openSync('/dev/null', 'w');
  try {
    const start = performance.now();
    const r = spawnSync(cmd, args, {
      cwd,
      stdio: ['ignore', devnull, 'inherit'],
      env: env ?? process.env,
    });
    const seconds = (performance.now() - start) / 1000;
    if (r.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
    return seconds;
  } finally {
    closeSync(devnull);
  }
}

const weft = (args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): number =>
  timed(process.execPath, [BIN, 'build', ...args], cwd, env);

function best(f: () => number): number {
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeat; r++) b = Math.min(b, f());
  return b;
}

const s = (x: number): string => x.toFixed(2);
const ratio = (x: number, base: number): string => `${(x / base).toFixed(2)}x`;

// ---- plan: 3L - 1 jobs ----

function planCase(): void {
  const L = Math.ceil((Number(values.jobs) + 1) / 3);
  const jobs = 3 * L - 1;
  const dir = workspace('plan');
  try {
    writeFileSync(
      join(dir, 'rules.ts'),
      `import { rule } from '@weft/core';
const L = ${L};
const child = (c: number): string => (c < L ? \`m/\${c}.txt\` : \`proc/\${c - L}.txt\`);
export const gen = rule('raw/{i}.txt', { name: 'gen', command: ({ output }) => ({ argv: ['touch', output[0]!] }) });
export const proc = rule('proc/{i}.txt', {
  name: 'proc',
  needs: 'raw/{i}.txt',
  command: ({ input, output }) => ({ argv: ['cp', input, output[0]!] }),
});
export const merge = rule('m/{k}.txt', {
  name: 'merge',
  needs: ({ k }) => [child(2 * Number(k)), child(2 * Number(k) + 1)],
  command: ({ input, output }) => ({ argv: ['sh', '-c', 'cat "$1" "$2" > "$3"', 'sh', input[0], input[1], output[0]!] }),
});
export default ['m/1.txt'];
`,
    );
    const child = (c: number): string => (c < L ? `m/${c}.txt` : `proc/${c - L}.txt`);
    const pattern = [
      'all: m/1.txt\n.PHONY: all\nraw/%.txt:\n\ttouch $@\nproc/%.txt: raw/%.txt\n\tcp $< $@\nm/%.txt:\n\tcat $^ > $@\n',
    ];
    for (let k = 1; k < L; k++) pattern.push(`m/${k}.txt: ${child(2 * k)} ${child(2 * k + 1)}\n`);
    writeFileSync(join(dir, 'Makefile.pattern'), pattern.join(''));
    const explicit = ['all: m/1.txt\n.PHONY: all\n'];
    for (let i = 0; i < L; i++)
      explicit.push(`raw/${i}.txt:\n\ttouch $@\nproc/${i}.txt: raw/${i}.txt\n\tcp $< $@\n`);
    for (let k = 1; k < L; k++)
      explicit.push(`m/${k}.txt: ${child(2 * k)} ${child(2 * k + 1)}\n\tcat $^ > $@\n`);
    writeFileSync(join(dir, 'Makefile.explicit'), explicit.join(''));
    const makeExplicit = best(() =>
      timed('make', ['-n', '-r', '-f', 'Makefile.explicit', 'all'], dir),
    );
    const makePattern = best(() =>
      timed('make', ['-n', '-r', '-f', 'Makefile.pattern', 'all'], dir),
    );
    const w = best(() => weft(['-n'], dir));
    const base = Math.min(makeExplicit, makePattern);
    console.log(
      `\nplan: dry run of ${jobs.toLocaleString('en')} jobs (3 rules), output to /dev/null`,
    );
    printTable(
      ['runner', 'wall s', 'vs make', 'goal'],
      [
        ['make -n -r (explicit rules)', s(makeExplicit), ratio(makeExplicit, base), ''],
        ['make -n -r (pattern rules)', s(makePattern), ratio(makePattern, base), ''],
        [
          'weft build -n',
          s(w),
          ratio(w, base),
          `<= 10 s and 2x: ${w <= 10 && w <= 2 * base ? 'met' : 'missed'}`,
        ],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- touch: N rules, -j<parallel> ----

function touchCase(): void {
  const n = Number(values.touch);
  const run = (runner: 'make' | 'make -r' | 'weft'): number => {
    const dir = workspace('touch');
    try {
      const names = Array.from({ length: n }, (_, i) => `f${i}`);
      writeFileSync(
        join(dir, 'Makefile'),
        `all: ${names.join(' ')}\n.PHONY: all\n${names.map((t) => `${t}:\n\ttouch $@\n`).join('')}`,
      );
      writeFileSync(
        join(dir, 'rules.ts'),
        `import { rule, ruleSet, state } from '@weft/core';
const names = Array.from({ length: ${n} }, (_, i) => \`f\${i}\`);
export const touches = ruleSet(names.map((f) => rule(f, { command: { argv: ['touch', f] } })));
export const all = state('all', { needs: names, run: () => names.length });
export default ['all'];
`,
      );
      if (runner === 'weft') return weft(['--quiet', '-j', String(parallel)], dir);
      return timed('make', [...(runner === 'make -r' ? ['-r'] : []), '-s', `-j${parallel}`], dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const plain = best(() => run('make'));
  const make = best(() => run('make -r'));
  const w = best(() => run('weft'));
  console.log(
    `\ntouch: ${n.toLocaleString('en')} file rules, each touching its file, ${parallel} at once`,
  );
  printTable(
    ['runner', 'wall s', 'jobs/s', 'vs make -r'],
    [
      [`make -r -j${parallel}`, s(make), Math.round(n / make).toLocaleString('en'), '1.00x'],
      [
        `make -j${parallel} (as bench/commands.ts)`,
        s(plain),
        Math.round(n / plain).toLocaleString('en'),
        ratio(plain, make),
      ],
      [`weft build -j ${parallel}`, s(w), Math.round(n / w).toLocaleString('en'), ratio(w, make)],
    ],
  );
}

// ---- no-op: N file targets up to date ----

function noopCase(): void {
  const n = Number(values.noop);
  const dir = workspace('noop');
  try {
    mkdirSync(join(dir, 'src'));
    for (let i = 0; i < n; i++) writeFileSync(join(dir, `src/${i}.txt`), `${i}\n`);
    const outs = Array.from({ length: n }, (_, i) => `out/${i}.txt`);
    writeFileSync(
      join(dir, 'Makefile'),
      `all: ${outs.join(' ')}\n.PHONY: all\nout/%.txt: src/%.txt\n\tcp $< $@\n`,
    );
    writeFileSync(
      join(dir, 'rules.ts'),
      `import { copyFile } from 'node:fs/promises';
import { rule, state } from '@weft/core';
export const copy = rule('out/{i}.txt', { name: 'copy', needs: 'src/{i}.txt', run: ({ input, output }) => copyFile(input, output[0]!) });
export const all = state('all', { needs: Array.from({ length: ${n} }, (_, i) => \`out/\${i}.txt\`), run: () => ${n} });
export default ['all'];
`,
    );
    // The first build, unrecorded in a run store (its records of targets are kept).
    const built = weft(['--quiet', '-j', '4'], dir, { ...process.env, WEFT_STORE: 'memory' });
    const make = best(() => timed('make', ['-r'], dir));
    const first = weft(['--quiet'], dir);
    const later = best(() => weft(['--quiet'], dir));
    console.log(
      `\nno-op: ${n.toLocaleString('en')} file targets, all up to date (weft built them in ${s(built)} s)`,
    );
    printTable(
      ['runner', 'wall s', 'vs make'],
      [
        ['make -r', s(make), '1.00x'],
        ['weft build, first no-op', s(first), ratio(first, make)],
        ['weft build, later no-ops', s(later), ratio(later, make)],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`weft build against GNU make, each in a fresh process, in ${values.dir}`);
if (cases.has('plan')) planCase();
if (cases.has('touch')) touchCase();
if (cases.has('noop')) noopCase();
