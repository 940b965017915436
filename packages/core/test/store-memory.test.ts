import { runRunStoreContract } from '@weft/core/testing';
import { describe, expect, it } from 'vitest';
import { createMemoryRunStore, MemoryRunStore } from '../src/store/memory-run-store.js';

runRunStoreContract({ name: 'memory', create: () => createMemoryRunStore() });

describe('memory run store', () => {
  it('is a MemoryRunStore at location "memory"', async () => {
    await using store = createMemoryRunStore();
    expect(store).toBeInstanceOf(MemoryRunStore);
    expect(store.location).toBe('memory');
  });

  it('keeps its own copy of run params', async () => {
    await using store = createMemoryRunStore();
    const params = { list: [1, 2] };
    const writer = store.openRun({
      id: 'r1',
      workflow: undefined,
      mode: undefined,
      executor: 'inline',
      params,
      rerunOf: undefined,
      cwd: '/',
      host: 'h',
      pid: 1,
      startedAt: 1,
    });
    params.list.push(3);
    expect(store.run('r1')?.params).toEqual({ list: [1, 2] });
    await writer.close('succeeded');
  });
});
