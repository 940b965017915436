/**
 * A small read-mapping pipeline, built backwards from the targets asked for:
 *
 *   tools.detected            a named state: is gzip installed? Its value sets
 *                             the coordinate `gzip`, then the next target
 *   work/ref/chroms.txt       the reference's chromosomes (a command)
 *   work/ref/{chrom}.fa       one chromosome cut out of the reference (a command)
 *   work/hits/{sample}/{chrom}.txt
 *                             how many of a sample's reads lie on a chromosome;
 *                             the coordinate `aligner` chooses how (exact, kmer)
 *   work/counts/{sample}.tsv  hits per chromosome: which chromosomes there are
 *                             is known only once chroms.txt is built, so the
 *                             step asks for their hits while it runs
 *   work/summary.tsv          every sample's counts
 *   work/summary.tsv.gz       the summary compressed: by gzip when the
 *                             coordinate `gzip` is true, else by node:zlib
 *
 *   cd examples/targets
 *   npx weft build                                   # tools.detected, then the rest
 *   npx weft build -n work/summary.tsv --param aligner=kmer
 */
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { rule, state } from '@weft/core';

/** The samples: a FASTQ file each under data/reads. */
export function samples(): string[] {
  return readdirSync('data/reads')
    .filter((f) => f.endsWith('.fq'))
    .map((f) => f.slice(0, -'.fq'.length))
    .sort();
}

/** The sequences of a FASTQ file (the second line of every four). */
async function readSequences(path: string): Promise<string[]> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  return lines.filter((line, i) => i % 4 === 1 && line !== '');
}

/** A FASTA file's sequence, its lines joined. */
async function readFasta(path: string): Promise<string> {
  const lines = (await readFile(path, 'utf8')).split('\n');
  return lines.filter((l) => !l.startsWith('>')).join('');
}

/** Runs in every build: its value (the path of gzip, or '') sets the coordinate gzip. */
export const tools = state('tools.detected', {
  always: true,
  command: { argv: 'command -v gzip || true', shell: true },
  next: (found) => ({
    coordinates: { gzip: found !== '' },
    targets: ['work/summary.tsv.gz'],
  }),
});

export const chromosomes = rule('work/ref/chroms.txt', {
  name: 'chromosomes',
  needs: 'data/ref/genome.fa',
  command: ({ input, output }) => ({
    argv: [`grep '^>' "$1" | cut -c2- > "$2"`, input, output[0]!],
    shell: true,
  }),
});

export const chromosome = rule('work/ref/{chrom,[^/]+}.fa', {
  name: 'chromosome',
  needs: 'data/ref/genome.fa',
  command: ({ input, output, wildcards }) => ({
    argv: [
      `awk -v c=">$3" '/^>/ { p = ($1 == c) } p' "$1" > "$2"`,
      input,
      output[0]!,
      wildcards.chrom,
    ],
    shell: true,
  }),
});

export const hits = rule('work/hits/{sample}/{chrom}.txt', {
  name: 'hits',
  implementations: [
    {
      name: 'kmer',
      when: { aligner: 'kmer' },
      needs: { reads: 'data/reads/{sample}.fq', ref: 'work/ref/{chrom}.fa' },
      params: { k: 8 },
      run: async ({ input, output, params }) => {
        const reference = await readFasta(input.ref);
        const kmers = new Set<string>();
        for (let i = 0; i + params.k <= reference.length; i++)
          kmers.add(reference.slice(i, i + params.k));
        const reads = await readSequences(input.reads);
        const n = reads.filter((r) => kmers.has(r.slice(0, params.k))).length;
        await writeFile(output[0]!, `${n}\n`);
      },
    },
    {
      name: 'exact',
      needs: { reads: 'data/reads/{sample}.fq', ref: 'work/ref/{chrom}.fa' },
      run: async ({ input, output }) => {
        const reference = await readFasta(input.ref);
        const reads = await readSequences(input.reads);
        await writeFile(output[0]!, `${reads.filter((r) => reference.includes(r)).length}\n`);
      },
    },
  ],
});

export const counts = rule('work/counts/{sample}.tsv', {
  name: 'counts',
  needs: 'work/ref/chroms.txt',
  run: async ({ input, output, wildcards, need }) => {
    const chroms = (await readFile(input, 'utf8')).split('\n').filter(Boolean);
    // Known only now: ask for each chromosome's hits, and wait for them.
    const files = await need(chroms.map((c) => `work/hits/${wildcards.sample}/${c}.txt`));
    const rows = await Promise.all(
      files.map(
        async (f, i) => `${wildcards.sample}\t${chroms[i]}\t${(await readFile(f, 'utf8')).trim()}`,
      ),
    );
    await writeFile(output[0]!, `${rows.join('\n')}\n`);
  },
});

export const summary = rule('work/summary.tsv', {
  name: 'summary',
  needs: () => samples().map((s) => `work/counts/${s}.tsv`),
  command: ({ input, output }) => ({
    argv: ['out="$1"; shift; cat "$@" > "$out"', output[0]!, ...input],
    shell: true,
  }),
});

export const compressed = rule('work/summary.tsv.gz', {
  name: 'compressed',
  implementations: [
    {
      name: 'gzip',
      when: { gzip: true },
      needs: 'work/summary.tsv',
      command: ({ input, output }) => ({
        argv: ['gzip -n -c "$1" > "$2"', input, output[0]!],
        shell: true,
      }),
    },
    {
      name: 'zlib',
      when: { gzip: false },
      needs: 'work/summary.tsv',
      run: async ({ input, output }) => writeFile(output[0]!, gzipSync(await readFile(input))),
    },
  ],
});

export default ['tools.detected'];
