/**
 * @module
 * The UI server over a store file, in the test's process (the runs it
 * shows may come from any process), and requests to its API.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteRunStore, type RunStore } from '@weft/core/store';
import { startUiServer, type UiServer, type UiServerOptions } from '../../src/index.js';
import { BIN, scratch } from './project.ts';

export interface Served {
  readonly server: UiServer;
  readonly store: RunStore;
  /** Fetches `path` from the server, with the token unless `token` says otherwise. */
  api(path: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** A page folder with a stub page, for the tests that use the API alone. */
export function stubPage(): string {
  const dir = scratch('page-');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>stub</title>');
  return dir;
}

/** Serves the store file `file` on a free port of 127.0.0.1. */
export async function serve(
  file: string,
  options: Partial<Omit<UiServerOptions, 'store'>> = {},
): Promise<Served> {
  const store = openSqliteRunStore(file);
  const server = await startUiServer({
    store,
    storeFile: file,
    port: 0,
    weftBin: BIN,
    pollMs: 100,
    ...options,
  });
  return {
    server,
    store,
    api: (path, init = {}) => {
      const { token = server.token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${server.origin}${path}`, { ...rest, headers });
    },
    close: async () => {
      await server.close();
      await store[Symbol.asyncDispose]();
    },
  };
}
