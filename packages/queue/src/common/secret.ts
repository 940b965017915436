/**
 * @module
 * Signing: every job and every message the queue puts on Redis is signed
 * with HMAC-SHA256 under the secret both sides read from `WEFT_QUEUE_SECRET`.
 * A job names a module that a worker imports, so an unsigned job would be
 * code execution for anyone who can write to Redis. A purpose is part of
 * what is signed, so a message for one place cannot pass for another (a
 * worker's report as a job, say).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { QueueSecretError } from '../errors.ts';

/** What a signature is for. */
export type Purpose = 'job' | 'to-worker' | 'to-coordinator';

/** HMAC-SHA256 truncated to 128 bits (as RFC 2104 allows): every job carries one. */
const MAC_BYTES = 16;
const MIN_SECRET = 16;

/** The shared secret, and what signs and checks with it. */
export class Signer {
  readonly #key: Buffer;
  /**
   * A fingerprint of the secret (an HMAC of a fixed text, which reveals
   * nothing of it): workers advertise theirs, so that a coordinator never
   * sends jobs to a worker that would find them unsigned.
   */
  readonly keyId: string;

  constructor(secret: string) {
    this.#key = Buffer.from(secret, 'utf8');
    this.keyId = createHmac('sha256', this.#key)
      .update('weft-queue key id')
      .digest('hex')
      .slice(0, 16);
  }

  /** `body`, signed for `purpose`: the MAC, then the body. */
  seal(purpose: Purpose, body: Uint8Array): Buffer {
    const mac = this.#mac(purpose, body);
    return Buffer.concat([mac, body]);
  }

  /** The body of sealed bytes whose signature holds for `purpose`; undefined otherwise. */
  open(purpose: Purpose, sealed: Uint8Array): Buffer | undefined {
    if (sealed.length < MAC_BYTES) return undefined;
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const body = bytes.subarray(MAC_BYTES);
    const expected = this.#mac(purpose, body);
    return timingSafeEqual(expected, bytes.subarray(0, MAC_BYTES)) ? body : undefined;
  }

  #mac(purpose: Purpose, body: Uint8Array): Buffer {
    return createHmac('sha256', this.#key)
      .update(purpose)
      .update('\0')
      .update(body)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}

/** The signer of `WEFT_QUEUE_SECRET`; throws `QueueSecretError` when it is missing or short. */
export function signerFromEnv(env: NodeJS.ProcessEnv = process.env): Signer {
  const secret = env.WEFT_QUEUE_SECRET;
  if (secret === undefined || secret === '') {
    throw new QueueSecretError(
      'WEFT_QUEUE_SECRET is not set: jobs are signed with it, so the coordinator and every ' +
        'worker need the same secret in their environment (make one with: openssl rand -hex 32)',
    );
  }
  if (secret.length < MIN_SECRET) {
    throw new QueueSecretError(
      `WEFT_QUEUE_SECRET is ${secret.length} characters long; use at least ${MIN_SECRET} ` +
        '(make one with: openssl rand -hex 32)',
    );
  }
  return new Signer(secret);
}
