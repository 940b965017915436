/**
 * Wildcard patterns: what a target's name gives each wildcard, constraints,
 * repeated names, escaped braces, and the patterns that cannot be resolved
 * from a target (each refused with a message that says why).
 */
import { targets } from '@weft/core';
import { describe, expect, it } from 'vitest';
import { thrown } from './helpers.ts';

const { compilePattern, matchPattern } = targets;

const match = (pattern: string, target: string) =>
  matchPattern(compilePattern(pattern, 'r'), target);
const failure = (f: () => unknown) => thrown(f) as Error & { code?: string };

describe('wildcard patterns', () => {
  it('take a wildcard value from the target, slashes included, as Snakemake does', () => {
    expect(match('aligned/{sample}.bam', 'aligned/a.bam')).toEqual(['a']);
    expect(match('aligned/{sample}.bam', 'aligned/x/y.bam')).toEqual(['x/y']);
    expect(match('aligned/{sample}.bam', 'aligned/.bam')).toBeUndefined();
    expect(match('aligned/{sample}.bam', 'sorted/a.bam')).toBeUndefined();
    expect(match('aligned/{sample}.bam', 'aligned/a.bai')).toBeUndefined();
  });

  it('match a pattern without wildcards only by its whole name', () => {
    expect(match('env.created', 'env.created')).toEqual([]);
    expect(match('env.created', 'env.created2')).toBeUndefined();
  });

  it('honour a constraint, and give several wildcards in the order they first appear', () => {
    expect(match('calls/{sample,[a-z]+}/{chrom}.vcf', 'calls/abc/chr1.vcf')).toEqual([
      'abc',
      'chr1',
    ]);
    expect(match('calls/{sample,[a-z]+}/{chrom}.vcf', 'calls/ab1/chr1.vcf')).toBeUndefined();
    expect(match('{n,\\d{3}}.txt', '123.txt')).toEqual(['123']);
    expect(match('{n,\\d{3}}.txt', '1234.txt')).toBeUndefined();
  });

  it('need a repeated wildcard to match the same text each time', () => {
    expect(match('{a}/{a}.txt', 'x/x.txt')).toEqual(['x']);
    expect(match('{a}/{a}.txt', 'x/y.txt')).toBeUndefined();
  });

  it('read {{ and }} as braces', () => {
    const p = compilePattern('lit{{x}}/{y}', 'r');
    expect(p.names).toEqual(['y']);
    expect(matchPattern(p, 'lit{x}/1')).toEqual(['1']);
  });

  it('types the wildcards of a pattern', () => {
    const names: targets.Wildcards<'a/{x}/{y,[0-9]+}.txt'>[] = ['x', 'y'];
    expect(names).toHaveLength(2);
  });

  it('refuse patterns whose wildcards cannot be resolved from a target, saying why', () => {
    expect(failure(() => compilePattern('{a}{b}.txt', 'merge')).message).toBe(
      'rule merge: the pattern "{a}{b}.txt": {a} and {b} touch, so no target can say where one ends: put text between them or constrain the first ({name,regex})',
    );
    expect(failure(() => compilePattern('a/{sample.bam', 'align')).message).toBe(
      'rule align: the pattern "a/{sample.bam": the "{" at position 2 is never closed',
    );
    expect(failure(() => compilePattern('a/{1x}.bam', 'align')).message).toBe(
      'rule align: the pattern "a/{1x}.bam": {1x} is not a wildcard: a name is letters, digits and _',
    );
    expect(failure(() => compilePattern('a/x}.bam', 'align')).message).toBe(
      'rule align: the pattern "a/x}.bam": a "}" at position 3 closes no wildcard',
    );
    const bad = failure(() => compilePattern('a/{x,[}.bam', 'align'));
    expect(bad.message).toMatch(
      /^rule align: the pattern "a\/\{x,\[\}\.bam": \{x,\[\}: Invalid regular expression/,
    );
    expect(bad.code).toBe('WEFT_TARGET_WILDCARD');
  });
});
