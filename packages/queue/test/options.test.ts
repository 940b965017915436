/**
 * The queue's options, checked without Redis: URLs (a password only from
 * the environment, and never in a message), the executor's and the worker's
 * options, signatures, which worker advert fits which requirements, and
 * what a task that no worker fits says while it waits.
 */
import { describe, expect, it } from 'vitest';
import type { Advert } from '../src/common/advert.js';
import { resolveRedis, scrub } from '../src/common/redis-url.js';
import { Signer, signerFromEnv } from '../src/common/secret.js';
import { compileQueueOptions } from '../src/coordinator/options.js';
import { fits } from '../src/coordinator/placement.js';
import type { QueueCall } from '../src/coordinator/state.js';
import { Waiting } from '../src/coordinator/waiting.js';
import { compileWorkerOptions } from '../src/worker/options.js';

describe('the Redis URL', () => {
  it('defaults to WEFT_QUEUE_REDIS, else the local default', () => {
    expect(resolveRedis(undefined, 'x', {}).url).toBe('redis://127.0.0.1:6379');
    expect(resolveRedis(undefined, 'x', { WEFT_QUEUE_REDIS: 'redis://h:7000/2' })).toEqual({
      url: 'redis://h:7000/2',
      connection: { host: 'h', port: 7000, db: 2 },
    });
    expect(resolveRedis('rediss://u@h', 'x', {}).url).toBe('rediss://u@h:6379');
    expect(resolveRedis('rediss://u@h', 'x', {}).connection).toEqual({
      host: 'h',
      port: 6379,
      db: 0,
      username: 'u',
      tls: {},
    });
  });

  it('takes a password from the environment only, and never names it', () => {
    const env = { WEFT_QUEUE_REDIS: 'redis://u:s3cret@h:1/0' };
    const target = resolveRedis(undefined, 'x', env);
    expect(target.url).toBe('redis://u@h:1/0');
    expect(target.connection.password).toBe('s3cret');
    expect(scrub('WRONGPASS s3cret', target)).toBe('WRONGPASS ***');
    const fromVar = resolveRedis('redis://h', 'x', { WEFT_QUEUE_REDIS_PASSWORD: 'pw2' });
    expect(fromVar.connection.password).toBe('pw2');
    expect(fromVar.url).toBe('redis://h:6379');
    let error: unknown;
    try {
      resolveRedis('redis://:s3cret@h', 'queue: redis', {});
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'WEFT_QUEUE_OPTIONS' });
    expect(String((error as Error).message)).not.toContain('s3cret');
  });

  it('refuses what is not a Redis URL, naming it without a password', () => {
    expect(() => resolveRedis('http://h', 'q', {})).toThrow('q: http://h is not a Redis URL');
    expect(() => resolveRedis('redis://h/x', 'q', {})).toThrow(
      'the path must be a database number',
    );
    expect(() => resolveRedis('nonsense', 'q', {})).toThrow('"nonsense" is not a URL');
    expect(() => resolveRedis(42, 'q', {})).toThrow('redis must be a URL string');
  });
});

describe('options', () => {
  it('of the executor: defaults, and clear errors for what is wrong', () => {
    const o = compileQueueOptions({}, '/tmp');
    expect(o).toMatchObject({
      queue: 'weft',
      slots: Number.POSITIVE_INFINITY,
      inlineLimit: 65536,
      prefetch: 0,
      placementTimeoutMs: 300_000,
      lostRetries: 0,
      killGraceMs: 5000,
      tags: [],
    });
    expect(() => compileQueueOptions({ queues: 'x' })).toThrow('unknown option "queues"');
    expect(() => compileQueueOptions({ queue: 'a b' })).toThrow('queue name "a b" must be');
    expect(() => compileQueueOptions({ concurrency: 0 })).toThrow(
      'concurrency must be a whole number >= 1',
    );
    expect(() => compileQueueOptions({ placementTimeout: 'soon' })).toThrow('is not a duration');
    expect(() => compileQueueOptions({ tags: 'ssd' })).toThrow('tags must be an array');
    expect(compileQueueOptions({ placementTimeout: '1.5s', prefetch: 0.5 })).toMatchObject({
      placementTimeoutMs: 1500,
      prefetch: 0.5,
    });
  });

  it('of weft worker: defaults, and clear errors for what is wrong', () => {
    const o = compileWorkerOptions({ cpus: '4', tag: ['ssd', 'gpu-a100'] }, '/tmp');
    expect(o).toMatchObject({
      cpus: 4,
      concurrency: 4,
      gpus: 0,
      tags: ['ssd', 'gpu-a100'],
      heartbeatMs: 1000,
    });
    expect(() => compileWorkerOptions({ concurrency: '0' }, '/tmp')).toThrow(
      '--concurrency must be',
    );
    expect(() => compileWorkerOptions({ tag: ['a b'] }, '/tmp')).toThrow('--tag "a b"');
    expect(() => compileWorkerOptions({ heartbeat: '1ms' }, '/tmp')).toThrow('at least 50ms');
  });
});

describe('signatures', () => {
  it('hold for the same secret and purpose only, and for the bytes signed', () => {
    const signer = new Signer('a-secret-of-some-length');
    const sealed = signer.seal('job', Buffer.from('payload'));
    expect(signer.open('job', sealed)?.toString()).toBe('payload');
    expect(signer.open('to-worker', sealed)).toBeUndefined();
    expect(new Signer('another-secret-entirely').open('job', sealed)).toBeUndefined();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = tampered.at(-1)! ^ 1;
    expect(signer.open('job', tampered)).toBeUndefined();
    expect(signer.open('job', Buffer.from('short'))).toBeUndefined();
    expect(signer.keyId).toBe(new Signer('a-secret-of-some-length').keyId);
    expect(signer.keyId).not.toContain('secret');
  });

  it('need WEFT_QUEUE_SECRET, long enough', () => {
    expect(() => signerFromEnv({})).toThrow('WEFT_QUEUE_SECRET is not set');
    expect(() => signerFromEnv({ WEFT_QUEUE_SECRET: 'short' })).toThrow('use at least 16');
  });
});

describe('placement', () => {
  const advert: Advert = {
    id: 'w',
    label: 'h:1',
    host: 'h',
    pid: 1,
    version: '0',
    keyId: 'k',
    concurrency: 2,
    cpus: 4,
    memoryMb: 1000,
    gpus: 1,
    tags: ['ssd'],
    draining: false,
    intervalMs: 1000,
  };
  it('fits requirements within what a worker advertises, and its tags', () => {
    expect(fits(advert, undefined)).toBe(true);
    expect(fits(advert, { cpus: 4, memoryMb: 1000, gpus: 1, ssd: 1 })).toBe(true);
    expect(fits(advert, { cpus: 5 })).toBe(false);
    expect(fits(advert, { gpus: 2 })).toBe(false);
    expect(fits(advert, { nvme: 1 })).toBe(false);
  });
});

describe('a task no live worker fits', () => {
  /** A call as the waiting list sees it: its log is all that matters here. */
  function call(warnings: string[]): QueueCall {
    const log = { warn: (m: string) => void warnings.push(m) };
    return { inv: { log } } as unknown as QueueCall;
  }
  const why = 'it needs gpus 1, which no live worker offers';

  it('says why once it has waited a moment, then fails after the timeout', () => {
    const warnings: string[] = [];
    const waiting = new Waiting();
    const c = call(warnings);
    waiting.addUnfit(c, why, 0);
    expect(waiting.sweep(1000, 60_000)).toEqual([]);
    expect(warnings).toEqual([]);
    expect(waiting.sweep(2000, 60_000)).toEqual([]);
    expect(waiting.sweep(3000, 60_000)).toEqual([]);
    expect(warnings).toEqual([`waiting for a queue worker (fails after 60 s): ${why}`]);
    expect(waiting.sweep(60_000, 60_000)).toEqual([c]);
    expect(warnings).toHaveLength(1);
  });

  it('says why before it fails, even when no sweep came between (a late sweep, a short timeout)', () => {
    const warnings: string[] = [];
    const waiting = new Waiting();
    const c = call(warnings);
    waiting.addUnfit(c, why, 0);
    expect(waiting.sweep(5000, 1000)).toEqual([c]);
    expect(warnings).toEqual([`waiting for a queue worker (fails after 1 s): ${why}`]);
  });
});
