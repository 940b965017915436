/**
 * @module
 * The errors of `@weft/ui`, each with a stable `WEFT_UI_*` code. The
 * plugin registers them, so they keep their class when they cross a
 * process. Errors the API answers with carry the HTTP status they map to.
 */
import { WeftError } from '@weft/core';

/** An option of `weft ui` (or of `startUiServer`) is invalid. */
export class UiOptionsError extends WeftError {
  constructor(message: string) {
    super('WEFT_UI_OPTIONS', message);
  }
}

/** The run store to serve does not exist: no run was ever recorded there. */
export class UiNoStoreError extends WeftError {
  readonly path: string;
  constructor(path: string) {
    super(
      'WEFT_UI_NO_STORE',
      `there is no run store at ${path} (run a workflow first, or pass --store <path>)`,
    );
    this.path = path;
  }
}

/** The port asked for is taken, or the address cannot be bound. */
export class UiListenError extends WeftError {
  readonly host: string;
  readonly port: number;
  constructor(host: string, port: number, why: string, options?: { cause?: unknown }) {
    super('WEFT_UI_LISTEN', `cannot serve on ${host}:${port}: ${why}`, options);
    this.host = host;
    this.port = port;
  }
}

/** The page's built files are missing (the package was not built). */
export class UiPageMissingError extends WeftError {
  readonly dir: string;
  constructor(dir: string) {
    super(
      'WEFT_UI_PAGE_MISSING',
      `the page of weft ui is not built (no ${dir}/index.html); run: npm run build:page -w @weft/ui`,
    );
    this.dir = dir;
  }
}

/** The HTTP statuses the API answers errors with, and their codes. */
const REQUEST_CODES = {
  400: 'WEFT_UI_BAD_REQUEST',
  401: 'WEFT_UI_UNAUTHORIZED',
  404: 'WEFT_UI_NOT_FOUND',
  409: 'WEFT_UI_CONFLICT',
} as const;

export type RequestStatus = keyof typeof REQUEST_CODES;

/**
 * An API request that cannot be answered as asked; `status` is its HTTP
 * status, and the code follows from it: 400 `WEFT_UI_BAD_REQUEST` (bad
 * input), 401 `WEFT_UI_UNAUTHORIZED` (no token or a wrong one), 404
 * `WEFT_UI_NOT_FOUND` (an unknown run or task), 409 `WEFT_UI_CONFLICT` (an
 * action the run's state does not allow).
 */
export class UiRequestError extends WeftError {
  readonly status: RequestStatus;
  constructor(status: RequestStatus, message: string) {
    super(REQUEST_CODES[status], message);
    this.status = status;
  }
}

/** The error classes of `@weft/ui` by code, for the plugin's `errors`. */
export const UI_ERRORS = {
  WEFT_UI_OPTIONS: UiOptionsError,
  WEFT_UI_NO_STORE: UiNoStoreError,
  WEFT_UI_LISTEN: UiListenError,
  WEFT_UI_PAGE_MISSING: UiPageMissingError,
  WEFT_UI_BAD_REQUEST: UiRequestError,
  WEFT_UI_UNAUTHORIZED: UiRequestError,
  WEFT_UI_NOT_FOUND: UiRequestError,
  WEFT_UI_CONFLICT: UiRequestError,
} as const;
