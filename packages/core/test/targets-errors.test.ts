/**
 * Bad input to the targets front end: each gets an error with a stable
 * code whose message names what is wrong (the target and the chain of
 * rules that asked for it, both rules, the loop, the wildcard, the
 * coordinates seen, the output), raised before anything runs when the plan
 * can tell.
 */
import { writeFile } from 'node:fs/promises';
import {
  build,
  InvalidOptionError,
  need,
  type RunFailedError,
  rule,
  run,
  state,
  submit,
  TargetAmbiguousError,
  TargetCoordinateError,
  TargetCycleError,
  TargetMissingError,
  TargetNoImplementationError,
  TargetNoRulesError,
  TargetOutputMissingError,
  TargetRuleError,
  TargetWildcardError,
  targets,
  task,
} from '@weft/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, sandbox } from './fixtures/targets/sandbox.ts';
import { rejection, thrown } from './helpers.ts';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.close());

const noop = () => {};
const plan = (t: string | string[], rules: unknown[], coordinates = {}) =>
  targets.plan(t, { rules: rules as targets.RulesInput, coordinates });
const failure = (f: () => unknown) => thrown(f) as Error & { code: string };

describe('a target nothing makes', () => {
  it('names the target and the chain of rules that asked for it', () => {
    const rules = [
      rule('up/{name}.txt', { name: 'upper', needs: 'in/{name}.txt', run: noop }),
      rule('all.txt', { name: 'joined', needs: ['up/a.txt'], run: noop }),
    ];
    const e = failure(() => plan('all.txt', rules));
    expect(e).toBeInstanceOf(TargetMissingError);
    expect(e.code).toBe('WEFT_TARGET_MISSING');
    expect(e.message).toBe(
      'no rule makes "in/a.txt" and no such file exists (needed by up/a.txt [rule upper] <- all.txt [rule joined] <- the build)',
    );
    expect(failure(() => plan('nothing.txt', rules)).message).toBe(
      'no rule makes "nothing.txt" and no such file exists (asked for by the build)',
    );
  });

  it('is refused by build() before anything runs', async () => {
    let ran = 0;
    const rules = [
      rule('a.txt', { run: () => void ran++ }),
      rule('b.txt', { needs: ['a.txt', 'missing.txt'], run: () => void ran++ }),
    ];
    const e = await rejection(build('b.txt', { rules, record: false }));
    expect(e).toBeInstanceOf(TargetMissingError);
    expect(ran).toBe(0);
  });

  it('says so when the name still has a wildcard nothing resolved', () => {
    const rules = [rule('out/{x}.txt', { needs: () => ['in/{x}.txt'], run: noop })];
    const e = failure(() => plan('out/1.txt', rules));
    expect(e).toBeInstanceOf(TargetWildcardError);
    expect(e.message).toBe(
      'the target "in/{x}.txt" (needed by out/1.txt [rule out/{x}.txt] <- the build) still has the wildcard {x}, which nothing resolved: no rule makes it and no such file exists (a pattern passed where a name was meant? build the name from the wildcards\' values)',
    );
  });
});

describe('two rules for one target', () => {
  it('names both rules', () => {
    const rules = [
      rule('x/{n}.txt', { name: 'numbered', run: noop }),
      rule('{dir}/1.txt', { name: 'first', run: noop }),
    ];
    const e = failure(() => plan('x/1.txt', rules));
    expect(e).toBeInstanceOf(TargetAmbiguousError);
    expect(e.code).toBe('WEFT_TARGET_AMBIGUOUS');
    expect(e.message).toBe(
      'two rules make "x/1.txt": rule numbered ("x/{n}.txt") and rule first ("{dir}/1.txt") (asked for by the build); constrain a wildcard ({name,regex}) or change an output so that one rule makes it',
    );
    // A constraint settles it.
    const fixed = [rules[0]!, rule('{dir,[a-w]+}/1.txt', { name: 'first', run: noop })];
    expect(plan('x/1.txt', fixed).toRun).toBe(1);
  });

  it('names both when two rules have the same output', () => {
    const same = [
      rule('a.txt', { name: 'one', run: noop }),
      rule('a.txt', { name: 'two', run: noop }),
    ];
    expect(failure(() => plan('a.txt', same)).message).toBe(
      'two rules make "a.txt": rule one ("a.txt") and rule two ("a.txt") (asked for by the build); constrain a wildcard ({name,regex}) or change an output so that one rule makes it',
    );
    const paired = [
      rule(['x/{a}.txt', 'x/{a}.idx'], { name: 'paired', run: noop }),
      rule('{b}.idx', { name: 'index', run: noop }),
    ];
    expect(failure(() => plan('x/1.idx', paired)).message).toContain(
      'two rules make "x/1.idx": rule paired ("x/{a}.idx") and rule index ("{b}.idx")',
    );
  });

  it('refuses two rules of one name', () => {
    const rules = [
      rule('a.txt', { name: 'same', run: noop }),
      rule('b.txt', { name: 'same', run: noop }),
    ];
    const e = failure(() => plan('a.txt', rules));
    expect(e).toBeInstanceOf(InvalidOptionError);
    expect(e.message).toMatch(
      /^two rules are named same \(.*targets-errors\.test\.ts and .*\); a rule's name is its stable identity$/,
    );
  });
});

describe('a cycle', () => {
  it('names the loop', () => {
    const rules = [
      rule('a.txt', { name: 'A', needs: 'b.txt', run: noop }),
      rule('b.txt', { name: 'B', needs: ['c.txt'], run: noop }),
      rule('c.txt', { name: 'C', needs: ['a.txt'], run: noop }),
      rule('top.txt', { name: 'top', needs: ['a.txt'], run: noop }),
    ];
    const e = failure(() => plan('top.txt', rules));
    expect(e).toBeInstanceOf(TargetCycleError);
    expect(e.code).toBe('WEFT_TARGET_CYCLE');
    expect(e.message).toBe(
      'the rules form a cycle: a.txt [rule A] -> b.txt [rule B] -> c.txt [rule C] -> a.txt [rule A]',
    );
    expect(
      failure(() => plan('x', [rule('x', { name: 'self', needs: 'x', run: noop })])).message,
    ).toBe('the rules form a cycle: x [rule self] -> x [rule self]');
  });

  it('names rules that recurse without end', () => {
    const grow = rule('{x}.gz', { name: 'grow', needs: ({ x }) => [`${x}.gz.gz`], run: noop });
    const e = failure(() => plan('a.gz', [grow]));
    expect(e).toBeInstanceOf(TargetCycleError);
    expect(e.message).toMatch(
      /^the rules recurse without end, each needing a longer name: a\.gz(\.gz)+ \[rule grow\] -> /,
    );
  });

  it('names a step that needs its own target', async () => {
    const selfish = rule('self.txt', {
      name: 'selfish',
      run: async ({ need: ask }) => {
        await ask('self.txt');
      },
    });
    const e = (await rejection(
      build('self.txt', { rules: [selfish], record: false }),
    )) as RunFailedError;
    expect(e.failures[0]!.error.message).toBe(
      'the rules form a cycle: self.txt [rule selfish] -> self.txt [rule selfish]',
    );
  });
});

describe('a wildcard that cannot be resolved from the target', () => {
  it('is refused where the rule is defined', () => {
    const e = failure(() =>
      rule('aligned/{sample}.bam', { name: 'align', needs: 'ref/{genome}.fa', run: noop }),
    );
    expect(e).toBeInstanceOf(TargetWildcardError);
    expect(e.code).toBe('WEFT_TARGET_WILDCARD');
    expect(e.message).toBe(
      'rule align: the need "ref/{genome}.fa" uses the wildcard {genome}, which its output "aligned/{sample}.bam" does not have, so it cannot be resolved from the target',
    );
    expect(
      failure(() => rule(['a/{x}.txt', 'b/{y}.txt'], { name: 'pair', run: noop })).message,
    ).toBe(
      'rule pair: the output "b/{y}.txt" has other wildcards than "a/{x}.txt", so they cannot all be resolved from a target; every output of a rule has the same wildcards',
    );
    expect(failure(() => rule('{a}{b}.txt', { name: 'glued', run: noop }))).toBeInstanceOf(
      TargetWildcardError,
    );
  });
});

describe('coordinates that select no implementation', () => {
  it('names the coordinates seen and the implementations', () => {
    const pick = rule('out/{x}.txt', {
      name: 'pick',
      implementations: [
        { name: 'big', when: { size: ['l', 'xl'] }, run: noop },
        { name: 'huge', when: { size: 'xxl' }, run: noop },
        { name: 'odd', when: () => false, run: noop },
      ],
    });
    const e = failure(() => plan('out/1.txt', [pick], { size: 's', fast: true }));
    expect(e).toBeInstanceOf(TargetNoImplementationError);
    expect(e.code).toBe('WEFT_TARGET_NO_IMPLEMENTATION');
    expect(e.message).toBe(
      `rule pick has no implementation for "out/1.txt" under the coordinates { platform: '${process.platform}', arch: '${process.arch}', size: 's', fast: true }; its implementations: big (when size = 'l' or 'xl'); huge (when size = 'xxl'); odd (when its predicate holds)`,
    );
  });
});

describe('a step that does not write its output', () => {
  it('fails, naming the rule, the target and the output', async () => {
    const lazy = rule(['out.txt', 'out.log'], {
      name: 'lazy',
      run: ({ output }) => writeFile(output[1]!, 'only the log'),
    });
    const e = (await rejection(
      build('out.txt', { rules: [lazy], record: false }),
    )) as RunFailedError;
    expect(e.failures).toHaveLength(1);
    expect(e.failures[0]!.error.code).toBe('WEFT_TARGET_OUTPUT_MISSING');
    expect(e.failures[0]!.error.message).toBe(
      'rule lazy ran for "out.txt" but did not write its declared output "out.txt"',
    );
    expect(new TargetOutputMissingError('r', 't', 'p').code).toBe('WEFT_TARGET_OUTPUT_MISSING');
    // Nothing is recorded of a failed step: the next plan runs it again.
    expect(plan('out.txt', [lazy]).toRun).toBe(1);
  });
});

describe("a rule's functions", () => {
  it('are named when they throw or give what a rule cannot take', async () => {
    const thrower = rule('t/{x}', {
      name: 'thrower',
      needs: () => {
        throw new Error('no disk');
      },
      run: noop,
    });
    const e = failure(() => plan('t/1', [thrower]));
    expect(e).toBeInstanceOf(TargetRuleError);
    expect(e.code).toBe('WEFT_TARGET_RULE');
    expect(e.message).toBe('rule thrower: its needs function threw for "t/1": no disk');
    const junk = rule('j/{x}', {
      name: 'junk',
      needs: () => [42] as unknown as string[],
      run: noop,
    });
    expect(failure(() => plan('j/1', [junk])).message).toBe(
      'rule junk: its needs function, for "j/1", gave 42 at [0], not a target name',
    );
    const params = rule('p/{x}', {
      name: 'params',
      params: () => {
        throw new Error('bad');
      },
      run: noop,
    });
    expect(failure(() => plan('p/1', [params])).message).toBe(
      'rule params: its params function threw for "p/1": bad',
    );
    const next = state('n', { run: noop, next: () => 'more' as never });
    const e2 = (await rejection(build('n', { rules: [next], record: false }))) as RunFailedError;
    expect((e2.cause as Error).message).toBe(
      'rule n: its next function returned "more": expected { targets, coordinates }',
    );
  });

  it('refuses a malformed definition', () => {
    expect(
      failure(() => rule('a', { run: noop, command: { argv: ['true'] } } as never)).message,
    ).toBe(
      'rule a: give its step as run (a function) or as command (a command spec), one of the two',
    );
    expect(failure(() => rule('a', { run: noop, tags: [] } as never)).message).toBe(
      'rule a: unknown option tags',
    );
    expect(failure(() => rule('a', { run: noop, when: { x: 1 } } as never)).message).toBe(
      'rule a: when belongs to an implementation (implementations: [{ when, ... }])',
    );
  });
});

describe('coordinates', () => {
  it('are only ever added to: a next that changes one is refused, naming it', async () => {
    const flip = state('flip', {
      run: () => 'x',
      next: () => ({ coordinates: { platform: 'plan9' } }),
    });
    const e = (await rejection(build('flip', { rules: [flip], record: false }))) as RunFailedError;
    const cause = e.cause as Error & { code: string };
    expect(cause).toBeInstanceOf(TargetCoordinateError);
    expect(cause.message).toBe(
      `the next of rule flip (for "flip") sets the coordinate platform to 'plan9', but it is already '${process.platform}' (coordinates are only ever added to)`,
    );
  });
});

describe('need() in a run without rules', () => {
  it('says how to give the run rules', async () => {
    const asks = task('asks', async () => need('a.txt'));
    const e = (await rejection(run(() => submit(asks), { record: false }))) as RunFailedError;
    expect(e.failures[0]!.error.code).toBe('WEFT_TARGET_NO_RULES');
    expect(e.failures[0]!.error.message).toMatch(
      /^need\("a\.txt"\) in run .+, which has no rules: start the run with build\(targets, \{ rules \}\), or call targets\.use\(rules\) in its main function first$/,
    );
    expect(new TargetNoRulesError(['x'], 'r').code).toBe('WEFT_TARGET_NO_RULES');
  });
});
