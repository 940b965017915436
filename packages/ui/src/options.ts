/**
 * @module
 * The options of the UI server: what a caller may give (`UiServerOptions`,
 * each optional with its default) and the one resolved, readonly form the
 * server uses (`ResolvedUiOptions`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Logger, silentLogger } from '@weft/core';
import type { RunStore } from '@weft/core/store';
import { UiOptionsError } from './errors.ts';
import { newToken } from './token.ts';

/** The port `weft ui` serves on unless told otherwise. */
export const DEFAULT_PORT = 8790;

export interface UiServerOptions {
  /** The run store to show (the server reads it; it does not close it). */
  readonly store: RunStore;
  /** The SQLite file of the store, when it is one: reruns are given it, and results are read from the artifacts beside it. */
  readonly storeFile?: string;
  /** The interface to bind. @default '127.0.0.1' */
  readonly host?: string;
  /** The port; 0 picks a free one. @default DEFAULT_PORT */
  readonly port?: number;
  /**
   * When the port is taken: false serves on a free port instead (for the
   * default port), true fails (for a port the user chose). @default false
   */
  readonly strictPort?: boolean;
  /** The access token. @default a new random one */
  readonly token?: string;
  /** Where the server logs (requests that failed, actions taken). @default silentLogger */
  readonly log?: Logger;
  /** The page's built files. @default the package's `dist/page` */
  readonly pageDir?: string;
  /**
   * The `weft` command that "rerun from failure" starts (a JavaScript
   * file, run with this process's Node), or false to offer no reruns.
   * @default the bin of the `@weft/core` this package uses
   */
  readonly weftBin?: string | false;
  /** The working directory of the reruns it starts. @default process.cwd() */
  readonly cwd?: string;
  /** How often the live streams read the store, in ms. @default 250 */
  readonly pollMs?: number;
}

export interface ResolvedUiOptions {
  readonly store: RunStore;
  readonly storeFile: string | undefined;
  readonly artifactsDir: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly strictPort: boolean;
  readonly token: string;
  readonly log: Logger;
  readonly pageDir: string;
  readonly weftBin: string | undefined;
  readonly cwd: string;
  readonly pollMs: number;
}

/** True for a host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Parses a port number (0 to 65535), naming the option in the message. */
export function parsePort(text: string, name = '--port'): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n > 65535) {
    throw new UiOptionsError(
      `${name} must be a port number from 0 to 65535, not ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** The `weft` bin of the `@weft/core` this package imports, when it is there. */
function coreBin(): string | undefined {
  try {
    const entry = fileURLToPath(import.meta.resolve('@weft/core'));
    for (let dir = dirname(entry); dirname(dir) !== dir; dir = dirname(dir)) {
      const bin = join(dir, 'bin', 'weft.js');
      if (existsSync(join(dir, 'package.json'))) return existsSync(bin) ? bin : undefined;
    }
  } catch {
    // Not resolvable from here: reruns are not offered.
  }
  return undefined;
}

const defaultPageDir = (): string => fileURLToPath(new URL('../dist/page', import.meta.url));

/** Checks the options and fills in the defaults. */
export function resolveUiOptions(options: UiServerOptions): ResolvedUiOptions {
  if (typeof options !== 'object' || options === null || typeof options.store !== 'object') {
    throw new UiOptionsError('startUiServer() needs { store }: the run store to show');
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UiOptionsError(`port must be an integer from 0 to 65535, not ${String(port)}`);
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.trim() === '') {
    throw new UiOptionsError('host must be a host name or an address, not an empty text');
  }
  const token = options.token ?? newToken();
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{16,}$/.test(token)) {
    throw new UiOptionsError(
      'token must be at least 16 letters, digits, dashes or underscores (it goes into a URL)',
    );
  }
  const pollMs = options.pollMs ?? 250;
  if (!Number.isInteger(pollMs) || pollMs < 10 || pollMs > 1000) {
    throw new UiOptionsError(
      `pollMs must be an integer from 10 to 1000 (runs must show up within a second), not ${String(pollMs)}`,
    );
  }
  const storeFile = options.storeFile === undefined ? undefined : resolve(options.storeFile);
  return {
    store: options.store,
    storeFile,
    artifactsDir: storeFile === undefined ? undefined : join(dirname(storeFile), 'artifacts'),
    host,
    port,
    strictPort: options.strictPort ?? false,
    token,
    log: options.log ?? silentLogger,
    pageDir: resolve(options.pageDir ?? defaultPageDir()),
    weftBin: options.weftBin === false ? undefined : (options.weftBin ?? coreBin()),
    cwd: resolve(options.cwd ?? process.cwd()),
    pollMs,
  };
}
