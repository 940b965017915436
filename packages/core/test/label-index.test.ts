import { describe, expect, it } from 'vitest';
import { LabelIndex, labelHash } from '../src/coordinator/label-index.js';

/** An index over `labels` (node id = position), filled the way a run fills it. */
function indexOf(labels: string[]): LabelIndex {
  const index = new LabelIndex((id) => labels[id]);
  labels.forEach((label, id) => {
    const hash = labelHash(label);
    expect(index.find(label, hash)).toBe(-1);
    index.insert(hash, id);
  });
  return index;
}

describe('LabelIndex', () => {
  it('finds every label it was given, through its growth, and nothing else', () => {
    const labels = Array.from({ length: 20_000 }, (_, i) => `step-${i}`);
    const index = indexOf(labels);
    expect(index.size).toBe(20_000);
    for (let id = 0; id < labels.length; id++) expect(index.get(labels[id]!)).toBe(id);
    expect(index.get('step-20000')).toBeUndefined();
    expect(index.has('step-19999')).toBe(true);
    expect(index.has('step-')).toBe(false);
    expect(index.find('step-123', labelHash('step-123'))).toBe(123);
  });

  it('tells apart labels whose hashes are equal by comparing the labels', () => {
    const labels = ['a', 'b', 'c'];
    const index = new LabelIndex((id) => labels[id]);
    // All three under one hash: they share a probe chain.
    for (let id = 0; id < labels.length; id++) {
      expect(index.find(labels[id]!, 7)).toBe(-1);
      index.insert(7, id);
    }
    expect(labels.map((label) => index.find(label, 7))).toEqual([0, 1, 2]);
    expect(index.find('d', 7)).toBe(-1);
  });

  it('wraps its probes around the end of the table', () => {
    const labels = Array.from({ length: 300 }, (_, i) => `x${i}`);
    const index = new LabelIndex((id) => labels[id]);
    // -1 & mask is the last slot: the second and later land at the start.
    for (let id = 0; id < labels.length; id++) index.insert(-1, id);
    for (let id = 0; id < labels.length; id++) expect(index.find(labels[id]!, -1)).toBe(id);
  });

  it('hashes every character, in order, and lone surrogates too', () => {
    const hashes = new Set(
      ['ab', 'ba', 'a', 'abc', 'ab\uD800', 'ab\uDC00', 'x'.repeat(1000), `${'x'.repeat(999)}y`].map(
        labelHash,
      ),
    );
    expect(hashes.size).toBe(8);
    expect(labelHash(`${'step'}-${7}`)).toBe(labelHash('step-7'));
  });

  it('spreads labels that differ in one character over the slots', () => {
    const slots = new Set<number>();
    for (let i = 0; i < 1024; i++) slots.add(labelHash(`task-${i}`) & 1023);
    // Uniform hashing fills about 1 - 1/e of them (647); a weak low-bit mix far fewer.
    expect(slots.size).toBeGreaterThan(580);
  });
});
