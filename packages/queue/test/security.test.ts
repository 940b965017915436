/**
 * A job names a module that a worker imports: a job is code execution. These
 * tests act as someone who can write to Redis and try to get a real
 * `weft worker` to import a module: unsigned, signed with another secret,
 * tampered with, outside its project root (also through a symlink). And a
 * Redis password never reaches logs, events or the run store.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { moduleHash, weftVersion } from '@weft/core/worker';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Purpose, Signer } from '../src/common/secret.js';
import { type JobPayload, type UpBatch, Wire } from '../src/common/wire.js';
import {
  cleanup,
  env,
  events,
  type PrivateRedis,
  project,
  SECRET,
  scratch,
  startRedis,
  startWorker,
  TIMEOUT,
  waitFor,
  weft,
} from './harness.ts';

afterAll(cleanup, 30_000);

const EVIL = `
import { writeFileSync } from 'node:fs';
import { task } from '@weft/core';
writeFileSync(new URL('./EVIL-RAN', import.meta.url), 'imported');
export const evil = task('evil', async () => 'evil');
`;
const GOOD = `
import { task } from '@weft/core';
export const good = task('good', async (_ctx, x: number) => x + 1);
`;

describe('a worker refuses jobs it must not run', () => {
  let redis: PrivateRedis;
  beforeAll(() => {
    redis = startRedis();
  });

  it(
    'unsigned, another secret, tampered, another weft, or a module outside its root',
    async () => {
      const outside = scratch('outside-');
      writeFileSync(join(outside, 'evil.ts'), EVIL);
      const dir = project({ 'good.ts': GOOD, 'evil.ts': EVIL });
      symlinkSync(join(outside, 'evil.ts'), join(dir, 'link.ts'));
      const worker = await startWorker(dir, redis);
      const probe = new Redis(redis.port, '127.0.0.1');
      try {
        const [id] = await probe.zrange('weft:weft:workers', 0, -1);
        const jobs = new Queue(id!, { connection: probe, prefix: 'weft:weft:b' });
        // A session of our own, alive, to receive the worker's reports.
        const session = 'attacker-session';
        await probe.set(`weft:weft:session:${session}`, '{}', 'PX', 60_000);
        const wire = new Wire(new Signer(SECRET), undefined, 1 << 20);
        const other = new Wire(new Signer('another-secret-0123456789'), undefined, 1 << 20);
        const payload = attackerJobs(id!, session);
        const sealed = (w: Wire, p: JobPayload) => w.seal('job', p) as Buffer;
        const add = (bytes: Buffer | string) =>
          jobs.add('weft', { e: typeof bytes === 'string' ? bytes : bytes.toString('base64') });
        const goodHash = moduleHash(pathToFileURL(join(dir, 'good.ts')).href);
        const evilHash = moduleHash(pathToFileURL(join(dir, 'evil.ts')).href);

        await add('not a job at all');
        await add(sealed(other, payload('evil.ts', evilHash)));
        const tampered = sealed(wire, payload('good.ts', evilHash));
        tampered.set(Buffer.from('evil.ts'), tampered.indexOf('good.ts'));
        await add(tampered);
        await add(sealed(wire, payload('../outside/evil.ts', evilHash)));
        await add(sealed(wire, payload('link.ts', evilHash)));
        await add(sealed(wire, payload('evil.ts', evilHash, '0.0.0-old')));
        const reports = async () => {
          const items = await probe.lrangeBuffer(`weft:weft:session:${session}:in`, 0, -1);
          return items.flatMap(
            (b) =>
              (wire.open<UpBatch>('to-coordinator', b, 'worker') as { value: UpBatch }).value.m,
          );
        };
        // A job that names its module's graph without carrying it: the worker asks for it.
        await add(sealed(wire, { ...payload('good.ts', goodHash), t: undefined }));
        await waitFor(
          async () => (await reports()).some((m) => m.t === 'need-graph'),
          'need-graph',
        );
        await add(sealed(wire, payload('good.ts', goodHash)));
        await waitFor(
          async () => (await reports()).some((m) => m.t === 'done'),
          'the good job to run',
        );
        const got = await reports();
        const refused = got
          .flatMap((m) => (m.t === 'job-refused' ? [[m.k, m.reason] as const] : []))
          .sort((a, b) => a[0] - b[0]);
        expect(refused).toEqual([
          [3, 'root'],
          [4, 'root'],
          [5, 'version'],
        ]);
        const done = got.find((m) => m.t === 'done');
        expect(done).toMatchObject({ k: 7, ok: true, v: 42 });
        expect(got.find((m) => m.t === 'need-graph')).toEqual({ t: 'need-graph', k: 6 });
        const unsigned = worker.out.stderr.match(
          /refused job \d+: a message from a coordinator is unsigned or its signature does not match/g,
        );
        expect(unsigned).toHaveLength(3);
        expect(worker.out.stderr).toContain(
          "its module ../outside/evil.ts is not a file inside this worker's project root",
        );
        expect(worker.out.stderr).toContain(
          "its module link.ts is not a file inside this worker's project root",
        );
        expect(existsSync(join(dir, 'EVIL-RAN'))).toBe(false);
        expect(existsSync(join(outside, 'EVIL-RAN'))).toBe(false);
        await jobs.close();
      } finally {
        probe.disconnect();
      }
    },
    TIMEOUT,
  );
});

describe("a worker refuses jobs sent with a session's messages", () => {
  let redis: PrivateRedis;
  beforeAll(() => {
    redis = startRedis();
  });

  // A job for a worker with a free slot travels in the batch of messages pushed to its inbox,
  // under the batch's signature: the worker reads nothing of a batch whose signature does not
  // hold for its purpose, and checks each job in one that does as it checks a job from its queue.
  it(
    'a batch of another secret, tampered, signed for another purpose, or a job outside its root',
    async () => {
      const outside = scratch('outside-');
      writeFileSync(join(outside, 'evil.ts'), EVIL);
      const dir = project({ 'good.ts': GOOD, 'evil.ts': EVIL });
      const worker = await startWorker(dir, redis);
      const probe = new Redis(redis.port, '127.0.0.1');
      try {
        const [id] = await probe.zrange('weft:weft:workers', 0, -1);
        const session = 'attacker-session';
        await probe.set(`weft:weft:session:${session}`, '{}', 'PX', 60_000);
        const wire = new Wire(new Signer(SECRET), undefined, 1 << 20);
        const other = new Wire(new Signer('another-secret-0123456789'), undefined, 1 << 20);
        const payload = attackerJobs(id!, session);
        const batch = (w: Wire, p: JobPayload, purpose: Purpose = 'to-worker') =>
          w.seal(purpose, { s: session, m: [{ t: 'job', p }] }) as Buffer;
        const push = (bytes: Buffer) => probe.rpush(`weft:weft:worker:${id}:in`, bytes);
        const evilHash = moduleHash(pathToFileURL(join(dir, 'evil.ts')).href);
        const goodHash = moduleHash(pathToFileURL(join(dir, 'good.ts')).href);

        await push(batch(other, payload('evil.ts', evilHash))); // k 1: the batch is foreign
        const tampered = batch(wire, payload('good.ts', evilHash)); // k 2
        tampered.set(Buffer.from('evil.ts'), tampered.indexOf('good.ts'));
        await push(tampered);
        await push(batch(wire, payload('evil.ts', evilHash), 'job')); // k 3: a job's signature
        await push(batch(wire, payload('evil.ts', evilHash), 'to-coordinator')); // k 4: a report's
        await push(batch(wire, payload('../outside/evil.ts', evilHash))); // k 5
        await push(batch(wire, payload('good.ts', goodHash))); // k 6
        const reports = async () => {
          const items = await probe.lrangeBuffer(`weft:weft:session:${session}:in`, 0, -1);
          return items.flatMap(
            (b) =>
              (wire.open<UpBatch>('to-coordinator', b, 'worker') as { value: UpBatch }).value.m,
          );
        };
        await waitFor(
          async () => (await reports()).some((m) => m.t === 'done'),
          'the good job to run',
        );
        const got = await reports();
        expect(got.find((m) => m.t === 'done')).toMatchObject({ k: 6, ok: true, v: 42 });
        expect(got.filter((m) => m.t === 'job-refused')).toMatchObject([{ k: 5, reason: 'root' }]);
        const unsigned = worker.out.stderr.match(
          /dropped a message: .*a message from a coordinator is unsigned or its signature does not match/g,
        );
        expect(unsigned).toHaveLength(4);
        expect(existsSync(join(dir, 'EVIL-RAN'))).toBe(false);
        expect(existsSync(join(outside, 'EVIL-RAN'))).toBe(false);
      } finally {
        probe.disconnect();
      }
    },
    TIMEOUT,
  );
});

/** Jobs an attacker forges for worker `id` and `session`, keyed 1, 2, ... in the order made. */
function attackerJobs(id: string, session: string) {
  let k = 0;
  return (mod: string, graph: string, v = weftVersion()): JobPayload => ({
    v,
    s: session,
    r: 'attacker-run',
    w: id,
    k: ++k,
    mod,
    h: createHash('sha256').update(graph).digest('hex'),
    t: graph,
    n: mod === 'good.ts' ? 'good' : 'evil',
    a: [41],
    i: k,
    at: 1,
    l: undefined,
    q: undefined,
  });
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('a Redis password', () => {
  it(
    'never appears in logs, events or the run store',
    async () => {
      const redis = startRedis();
      const password = 'pw-Secr3t-do-not-leak';
      const probe = new Redis(redis.port, '127.0.0.1');
      await probe.config('SET', 'requirepass', password);
      probe.disconnect();
      const withPassword = `redis://:${password}@127.0.0.1:${redis.port}`;
      const wf = `
import { submit, task } from '@weft/core';

export const ok = task('ok', async (_ctx, x: number) => { console.log('printing', x); return x; });
export const bad = task('bad', async () => { throw new Error('fails on purpose'); });
export default async function main() {
  return [submit(ok, 1), submit(ok, 2), submit(bad)];
}
`;
      const dir = project({ 'wf.ts': wf });
      const penv = env(redis, { WEFT_QUEUE_REDIS: withPassword });
      const worker = await startWorker(dir, redis, [], { WEFT_QUEUE_REDIS: withPassword });
      const run = await weft(
        ['run', 'wf.ts', '--executor', 'queue', '--keep-going', '--json'],
        dir,
        penv,
      ).exited;
      expect(run.code).toBe(1);
      expect(events(run.stdout).filter((e) => e.type === 'succeeded')).toHaveLength(2);
      const show = await weft(['show', String(events(run.stdout)[0]!.runId), '--json'], dir, penv)
        .exited;
      const logs = await weft(['logs', String(events(run.stdout)[0]!.runId)], dir, penv).exited;
      expect(logs.stdout).toContain('printing 1');

      // Given where weft would record it, or on a command line, it is refused (without echoing it).
      const inOption = await weft(
        ['run', 'wf.ts', '--executor', 'queue', '--set', `executor.redis=${withPassword}`],
        dir,
        penv,
      ).exited;
      expect(inOption.code).not.toBe(0);
      expect(inOption.stderr).toContain(
        'the Redis URL holds a password; weft takes it only from the environment',
      );
      const flag = await weft(['worker', '--redis', withPassword], dir, penv).exited;
      expect(flag.code).toBe(2);
      // A wrong one is an error naming the URL without it.
      const wrong = 'wrong-Pa55word';
      const refused = await weft(['run', 'wf.ts', '--executor', 'queue'], dir, {
        ...penv,
        WEFT_QUEUE_REDIS: `redis://:${wrong}@127.0.0.1:${redis.port}`,
      }).exited;
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        `cannot connect to Redis at redis://127.0.0.1:${redis.port}`,
      );
      expect(refused.stderr).not.toContain(wrong);

      worker.child.kill('SIGTERM');
      const stopped = await worker.exited;
      const said = [run, show, logs, inOption, flag, refused, stopped].flatMap((r) => [
        r.stdout,
        r.stderr,
      ]);
      for (const text of said) expect(text).not.toContain(password);
      mkdirSync(join(dir, '.weft'), { recursive: true });
      for (const file of filesUnder(join(dir, '.weft'))) {
        expect(readFileSync(file).includes(Buffer.from(password)), file).toBe(false);
      }
    },
    TIMEOUT,
  );
});
