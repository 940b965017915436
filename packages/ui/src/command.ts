/**
 * @module
 * `weft ui [--port N] [--host H] [--store PATH] [--mode NAME]`: serves the
 * page and its API for the run store the reading commands read, prints
 * the URL with its access token, and serves until Ctrl-C (or SIGTERM,
 * SIGHUP). On loopback unless `--host` says otherwise, which prints a
 * warning: anyone who can reach the address and has the URL can see the
 * runs and cancel or rerun them.
 */
import { dirname, resolve } from 'node:path';
import { createLogger, defaultStorePath, findConfigFile, isWeftError } from '@weft/core';
import { type CommandContext, type CommandDefinition, EXIT_OK, EXIT_USAGE } from '@weft/core/cli';
import { UiNoStoreError } from './errors.ts';
import { DEFAULT_PORT, isLoopback, parsePort } from './options.ts';
import { startUiServer } from './server.ts';

const EXAMPLES = `
Examples:
  $ weft ui                         # the project's runs, on http://127.0.0.1:${DEFAULT_PORT}
  $ weft ui --port 9000 --store /data/weft.db
  $ weft ui --host 0.0.0.0          # reachable from other machines (prints a warning)

Open the URL it prints: its token is required on every request. Runs that
other processes record appear and update live. Ctrl-C stops the server.
`;

/** Codes of the errors that mean "fix the command line": exit 2. */
const USAGE_CODES = new Set(['WEFT_UI_OPTIONS', 'WEFT_UI_NO_STORE', 'WEFT_UI_LISTEN']);

/** The store file the reading commands would open, for the message when it is missing. */
function expectedStore(store: string | undefined, cwd: string): string {
  if (store !== undefined) return resolve(cwd, store);
  const config = findConfigFile(cwd);
  return defaultStorePath(config === undefined ? cwd : dirname(config));
}

/** Resolves on the first of SIGINT, SIGTERM, SIGHUP. */
function stopSignal(): Promise<NodeJS.Signals> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  return new Promise((done) => {
    const on = (signal: NodeJS.Signals): void => {
      for (const s of signals) process.off(s, on);
      done(signal);
    };
    for (const s of signals) process.on(s, on);
  });
}

async function serve(ctx: CommandContext): Promise<number> {
  const flags = ctx.options as {
    port?: string;
    host?: string;
    store?: string;
    mode?: string;
  };
  const log = createLogger((r) => {
    const fields = r.fields === undefined ? '' : ` ${JSON.stringify(r.fields)}`;
    ctx.err(`weft ui: ${r.level === 'info' ? '' : `${r.level}: `}${r.message}${fields}\n`);
  });
  const port = flags.port === undefined ? undefined : parsePort(flags.port);
  const opened = await ctx.openStore({ store: flags.store, mode: flags.mode, cwd: ctx.cwd });
  if (opened === undefined) throw new UiNoStoreError(expectedStore(flags.store, ctx.cwd));
  try {
    const host = flags.host ?? '127.0.0.1';
    const server = await startUiServer({
      store: opened.store,
      ...(opened.file === undefined ? {} : { storeFile: opened.file }),
      host,
      port: port ?? DEFAULT_PORT,
      strictPort: port !== undefined,
      log,
      cwd: ctx.cwd,
    });
    if (!isLoopback(host)) {
      ctx.err(
        `warning: weft ui listens on ${host}, which other machines can reach: anyone who gets the URL below can see every run and cancel or rerun them. Without --host it serves on 127.0.0.1 only (use an SSH tunnel to reach it from elsewhere).\n`,
      );
    }
    ctx.out(
      `weft ui: serving the runs of ${opened.path}\n\n    ${server.url}\n\nCtrl-C stops it.\n`,
    );
    const signal = await stopSignal();
    log.info(`stopping (${signal})`);
    await server.close();
    return EXIT_OK;
  } finally {
    await opened.close();
  }
}

/** The `weft ui` command. */
export const uiCommand: CommandDefinition = {
  name: 'ui',
  description: 'serve a live web page of the recorded runs (on 127.0.0.1, behind a token)',
  options: [
    {
      flags: '--port <n>',
      description: `the port (0: a free one) (default: ${DEFAULT_PORT}, or a free one when it is taken)`,
    },
    { flags: '--host <host>', description: 'the interface to listen on (default: 127.0.0.1)' },
    { flags: '--store <path>', description: 'a SQLite run store file' },
    { flags: '--mode <name>', description: 'read the runStore of this mode of weft.config.ts' },
  ],
  examples: EXAMPLES,
  async run(ctx) {
    try {
      return await serve(ctx);
    } catch (error) {
      if (isWeftError(error) && USAGE_CODES.has(error.code)) {
        ctx.err(`error: ${error.message}\n`);
        return EXIT_USAGE;
      }
      throw error;
    }
  },
};
