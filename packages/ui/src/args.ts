/**
 * @module
 * A task's arguments as its page summarises them, from what the store
 * keeps of them: the key of its arguments that are not futures, which is a
 * short readable list for a few small primitives (`p:n3,s"a"`: 3, "a"), a
 * dash when it has only futures, else a hash. The short form is read
 * tolerantly: anything else is shown as the hash it is.
 */

/** One argument of a short key, and where the next one starts; undefined when it cannot be read. */
function readArgument(key: string, at: number): { text: string; next: number } | undefined {
  const kind = key[at];
  if (kind === 't' || kind === 'f' || kind === 'u' || kind === 'z') {
    const text = { t: 'true', f: 'false', u: 'undefined', z: 'null' }[kind];
    return { text, next: at + 1 };
  }
  if (kind === 'n' || kind === 'b') {
    const end = key.indexOf(',', at);
    const raw = key.slice(at + 1, end < 0 ? key.length : end);
    if (!/^-?[\w.+]+$/.test(raw)) return undefined;
    return { text: kind === 'b' ? `${raw}n` : raw, next: end < 0 ? key.length : end };
  }
  if (kind === 's') {
    // A JSON string: up to the first quote not escaped.
    for (let i = at + 2; i < key.length; i++) {
      if (key[i] === '\\') i++;
      else if (key[i] === '"') return { text: key.slice(at + 1, i + 1), next: i + 1 };
    }
  }
  return undefined;
}

/** The arguments of a short key (`p:...`), or undefined when it is not one. */
function shortArguments(key: string): string[] | undefined {
  if (!key.startsWith('p:')) return undefined;
  const out: string[] = [];
  let at = 2;
  while (at < key.length) {
    const arg = readArgument(key, at);
    if (arg === undefined) return undefined;
    out.push(arg.text);
    at = arg.next;
    if (at < key.length && key[at++] !== ',') return undefined;
  }
  return out;
}

/** How the task page describes a task's arguments. */
export function argsSummary(argsHash: string | undefined, inputs: number): string {
  const futures =
    inputs === 0
      ? ''
      : ` and the results of ${inputs === 1 ? 'its input' : `its ${inputs} inputs`}`;
  if (argsHash === undefined) return `not recorded (they could not be serialized)${futures}`;
  if (argsHash === '-')
    return inputs === 0
      ? 'none'
      : `the results of ${inputs === 1 ? 'its input' : `its ${inputs} inputs`}`;
  const short = shortArguments(argsHash);
  if (short !== undefined) return `${short.join(', ')}${futures}`;
  return `hashed ${argsHash.slice(0, 16)}…${futures}`;
}
