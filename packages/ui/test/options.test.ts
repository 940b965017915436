/**
 * The small parts of the server: its options (defaults, and what it
 * refuses, with the message), loopback addresses, the token's checks, and
 * the words a task's arguments are described with.
 */
import { createMemoryRunStore } from '@weft/core/store';
import { describe, expect, it } from 'vitest';
import { argsSummary } from '../src/args.js';
import { isLoopback, resolveUiOptions, UiOptionsError } from '../src/index.js';
import { parsePort } from '../src/options.js';
import { newToken, tokenOf, tokensEqual } from '../src/token.js';

describe('options', () => {
  const store = createMemoryRunStore();

  it('fills in the defaults: loopback, the default port, a new token', () => {
    const o = resolveUiOptions({ store });
    expect(o).toMatchObject({ host: '127.0.0.1', port: 8790, strictPort: false, pollMs: 250 });
    expect(o.token).toMatch(/^[0-9a-f]{48}$/);
    expect(resolveUiOptions({ store }).token).not.toBe(o.token);
    expect(o.pageDir).toMatch(/packages\/ui\/dist\/page$/);
    expect(o.weftBin).toMatch(/packages\/core\/bin\/weft\.js$/);
    expect(resolveUiOptions({ store, weftBin: false }).weftBin).toBeUndefined();
    expect(resolveUiOptions({ store, storeFile: '/data/w.db' }).artifactsDir).toBe(
      '/data/artifacts',
    );
  });

  it('refuses bad options, naming the option and the value', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ port: 70_000 }, 'port must be an integer from 0 to 65535, not 70000'],
      [{ port: 1.5 }, 'port must be an integer from 0 to 65535, not 1.5'],
      [{ host: ' ' }, 'host must be a host name or an address, not an empty text'],
      [{ token: 'short' }, 'token must be at least 16 letters, digits, dashes or underscores'],
      [{ token: 'has spaces in it, sixteen+' }, 'token must be at least 16 letters'],
      [{ pollMs: 5000 }, 'pollMs must be an integer from 10 to 1000'],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveUiOptions({ store, ...options })).toThrow(UiOptionsError);
      expect(() => resolveUiOptions({ store, ...options })).toThrow(message);
    }
    expect(() => resolveUiOptions({} as never)).toThrow('startUiServer() needs { store }');
  });

  it('parses --port, refusing what is not a port', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('8080')).toBe(8080);
    for (const text of ['', 'http', '-1', '65536', '80.5']) {
      expect(() => parsePort(text)).toThrow(
        `--port must be a port number from 0 to 65535, not ${JSON.stringify(text)}`,
      );
    }
  });

  it('tells loopback addresses from the others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'LOCALHOST']) {
      expect(isLoopback(h), h).toBe(true);
    }
    for (const h of ['0.0.0.0', '::', '192.168.1.4', 'example.org', '127.0.0.1.example.org']) {
      expect(isLoopback(h), h).toBe(false);
    }
  });
});

describe('the token', () => {
  it('compares equal tokens equal, and any other text not', () => {
    const t = newToken();
    expect(tokensEqual(t, t)).toBe(true);
    expect(tokensEqual(`${t}0`, t)).toBe(false);
    expect(tokensEqual('', t)).toBe(false);
    expect(tokensEqual(t.toUpperCase(), t)).toBe(false);
  });

  it('is read from the Authorization header, and from the URL for reads only', () => {
    const url = 'http://127.0.0.1/api/runs?token=abc';
    expect(tokenOf(new Request(url, { headers: { authorization: 'Bearer xyz' } }))).toBe('xyz');
    expect(tokenOf(new Request(url))).toBe('abc');
    expect(tokenOf(new Request(url, { method: 'POST' }))).toBeUndefined();
    expect(tokenOf(new Request(url, { headers: { authorization: 'Basic xyz' } }))).toBeUndefined();
  });
});

describe("the words for a task's arguments", () => {
  it('reads the short form of small primitives, and says what else it has', () => {
    expect(argsSummary('p:n3,s"a, b",t,z,u,b12', 0)).toBe('3, "a, b", true, null, undefined, 12n');
    expect(argsSummary('p:s"say \\"hi\\"",n-0.5', 2)).toBe(
      '"say \\"hi\\"", -0.5 and the results of its 2 inputs',
    );
    expect(argsSummary('-', 0)).toBe('none');
    expect(argsSummary('-', 1)).toBe('the results of its input');
    expect(argsSummary(undefined, 0)).toBe('not recorded (they could not be serialized)');
    expect(argsSummary('9f86d081884c7d659a2feaa0c55ad015', 1)).toBe(
      'hashed 9f86d081884c7d65… and the results of its input',
    );
    expect(argsSummary('p:q?', 0)).toBe('hashed p:q?…');
  });
});
