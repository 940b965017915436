/**
 * @module
 * Asks for the access token: the page has none, or the server refused the
 * one it kept (weft ui prints a new one each time it starts).
 */
import { type FormEvent, useState } from 'react';
import { setToken } from '../api/token.ts';

export function TokenPrompt(props: { readonly onToken: () => void }) {
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = text.includes('token=')
      ? (new URL(text, window.location.origin).searchParams.get('token') ?? '')
      : text;
    if (token.trim() === '') return;
    setToken(token);
    props.onToken();
  };
  return (
    <main className="token-prompt" data-testid="token-prompt">
      <h1>weft ui needs its token</h1>
      <p>
        Open the address that <span className="mono">weft ui</span> printed when it started (it ends
        with <span className="mono">?token=…</span>), or paste it, or the token alone, here:
      </p>
      <form onSubmit={submit}>
        <input
          aria-label="token"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="http://127.0.0.1:8790/?token=…"
          size={60}
        />
        <button type="submit">Open</button>
      </form>
    </main>
  );
}
