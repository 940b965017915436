/** @module The piscina baseline's worker: a no-op. */
export default function noop(): undefined {
  return undefined;
}
