/**
 * @module
 * The UI server: the application (`app.ts`) on Node's HTTP server, bound
 * to one interface and port. When the default port is taken it serves on a
 * free one instead; a port the caller chose (`strictPort`) fails with
 * `UiListenError`. Closing ends the live streams and the open connections,
 * so it never waits on a browser tab; it is idempotent.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createAdaptorServer } from '@hono/node-server';
import { createUiApp } from './app.ts';
import { UiListenError } from './errors.ts';
import { resolveUiOptions, type UiServerOptions } from './options.ts';
import { checkPage } from './static.ts';

/** A running UI server. */
export interface UiServer extends AsyncDisposable {
  /** The page's address with the token: what to open in a browser. */
  readonly url: string;
  /** `http://host:port`, without the token. */
  readonly origin: string;
  readonly token: string;
  readonly host: string;
  readonly port: number;
  /** Stops serving: ends the streams, closes the connections. */
  close(): Promise<void>;
}

const version = (): string =>
  (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** The host as it goes into a URL: a wildcard address becomes this machine's name. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '[::]') return hostname();
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Starts the UI server for a run store.
 * @example
 * await using ui = await startUiServer({ store, storeFile: '.weft/weft.db' });
 * log.info(`open ${ui.url}`);
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const o = resolveUiOptions(options);
  checkPage(o.pageDir);
  const closing = new AbortController();
  const app = createUiApp(o, version(), closing.signal);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  let port: number;
  try {
    port = await listen(server, o.port, o.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && !o.strictPort && o.port !== 0) {
      o.log.info(`port ${o.port} is taken; serving on a free port instead`);
      port = await listen(server, 0, o.host).catch((again: Error) => {
        throw new UiListenError(o.host, 0, again.message, { cause: again });
      });
    } else {
      const why =
        code === 'EADDRINUSE'
          ? 'the port is taken (choose another with --port)'
          : String((error as Error).message);
      throw new UiListenError(o.host, o.port, why, { cause: error });
    }
  }
  const origin = `http://${urlHost(o.host)}:${port}`;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing.abort();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  return {
    url: `${origin}/?token=${o.token}`,
    origin,
    token: o.token,
    host: o.host,
    port,
    close,
    [Symbol.asyncDispose]: close,
  };
}
