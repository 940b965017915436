/**
 * @module
 * The base of every error weft raises: a stable `code`, an optional `cause`,
 * and a plain-object form that survives structured cloning, so an error that
 * crosses a thread or a process is still recognisable on the other side.
 */

/** The plain-object form of an error, as it crosses threads and processes. */
export interface SerializedError {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: SerializedError;
  /** Extra enumerable fields a subclass declares (task names, ids, paths). */
  readonly data?: Readonly<Record<string, unknown>>;
}

const WEFT_ERROR = Symbol.for('weft.error');

/**
 * Base class of weft's errors. `code` is stable across versions; match on it
 * (or use `isWeftError`) rather than on messages or `instanceof`, which fails
 * across realms.
 */
export class WeftError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** Marks instances so that `isWeftError` works across realms. */
  get [WEFT_ERROR](): true {
    return true;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/** True for a weft error from any realm, or one rebuilt by `deserializeError` (errors/deserialize.ts). */
export function isWeftError(value: unknown): value is WeftError {
  return (
    typeof value === 'object' &&
    value !== null &&
    ((value as Record<symbol, unknown>)[WEFT_ERROR] === true || value instanceof WeftError)
  );
}

const OWN_ERROR_KEYS = new Set(['name', 'message', 'stack', 'cause', 'code']);

/** Turns any thrown value into the plain form (never throws). */
export function serializeError(error: unknown, depth = 0): SerializedError {
  if (!(error instanceof Error)) {
    return { name: 'NonError', message: describeValue(error) };
  }
  const data: Record<string, unknown> = {};
  let hasData = false;
  for (const key of Object.keys(error)) {
    if (OWN_ERROR_KEYS.has(key)) continue;
    const value = (error as unknown as Record<string, unknown>)[key];
    if (isPlainData(value)) {
      data[key] = value;
      hasData = true;
    }
  }
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack !== undefined ? { stack: error.stack } : {}),
    ...(cause !== undefined && depth < 8 ? { cause: serializeError(cause, depth + 1) } : {}),
    ...(hasData ? { data } : {}),
  };
}

/** JSON-like data (also inside arrays and plain objects): what an error field may carry across. */
function isPlainData(value: unknown, depth = 0): boolean {
  const t = typeof value;
  if (value === null || t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined')
    return true;
  if (t !== 'object' || depth > 8) return false;
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as object).every((v) => isPlainData(v, depth + 1));
}

/** A short, safe description of any value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
    case 'function':
      return `function ${value.name || '(anonymous)'}`;
    case 'object': {
      const ctor = (value as object).constructor?.name;
      if (ctor && ctor !== 'Object' && ctor !== 'Array') return `instance of ${ctor}`;
      const kind = Array.isArray(value) ? `array of length ${value.length}` : 'object';
      const json = safeJson(value);
      return json === undefined
        ? kind
        : `${kind} ${json.length > 80 ? `${json.slice(0, 77)}...` : json}`;
    }
    case 'symbol':
      return value.toString();
    case 'bigint':
      return `${value}n`;
    default:
      return String(value);
  }
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // circular, or a BigInt inside
  }
}
