/**
 * @module
 * Bounded capture of one output stream of a program. The last `limit` bytes
 * are kept (the end of a log is where failures are told) and the rest is
 * only counted. Each line can also be handed on (to the task's logger), until
 * `limit` characters of lines were handed on.
 */
import { StringDecoder } from 'node:string_decoder';

/** Longer lines are handed on in pieces of this many characters. */
const MAX_LINE_CHARS = 4096;

export class OutputCapture {
  readonly #limit: number;
  readonly #onLine: ((line: string) => void) | undefined;
  readonly #chunks: Buffer[] = [];
  #bytes = 0;
  #seen = 0;
  #decoder: StringDecoder | undefined;
  #partial = '';
  #lineBudget: number;

  /**
   * @param limit bytes kept, and characters of lines handed on.
   * @param onLine receives each line (without its line ending) while the budget lasts,
   *   then once a note that the rest is not handed on.
   */
  constructor(limit: number, onLine?: (line: string) => void) {
    this.#limit = limit;
    this.#onLine = onLine;
    this.#lineBudget = onLine === undefined ? 0 : limit;
  }

  push(chunk: Buffer): void {
    this.#seen += chunk.length;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    // Whole chunks that lie entirely before the last `limit` bytes go.
    while (this.#chunks.length > 1 && this.#bytes - this.#chunks[0]!.length >= this.#limit) {
      this.#bytes -= this.#chunks.shift()!.length;
    }
    if (this.#lineBudget > 0) this.#lines(chunk);
  }

  /** Whether lines are still handed on: if not, only the last `limit` bytes matter. */
  get logging(): boolean {
    return this.#lineBudget > 0;
  }

  /** Counts `bytes` that were dropped before they came here (only once not `logging`). */
  skip(bytes: number): void {
    this.#seen += bytes;
  }

  /** Hands on the last line if it had no line ending; call once the stream ended. */
  end(): void {
    if (this.#decoder === undefined || this.#lineBudget <= 0) return;
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest !== '') this.#emit(rest);
  }

  /** What was kept, as UTF-8 text, and how many bytes were dropped before it. */
  collect(): { readonly text: string; readonly dropped: number } {
    if (this.#bytes === 0) return { text: '', dropped: this.#seen };
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    let start = Math.max(0, all.length - this.#limit);
    // Do not start inside a multi-byte character.
    while (start > 0 && start < all.length && (all[start]! & 0xc0) === 0x80) start++;
    return { text: all.toString('utf8', start), dropped: this.#seen - (all.length - start) };
  }

  #lines(chunk: Buffer): void {
    this.#decoder ??= new StringDecoder('utf8');
    const text = this.#partial + this.#decoder.write(chunk);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1 && this.#lineBudget > 0; ) {
      this.#emit(text.slice(from, nl > from && text[nl - 1] === '\r' ? nl - 1 : nl));
      from = nl + 1;
      nl = text.indexOf('\n', from);
    }
    this.#partial = this.#lineBudget > 0 ? text.slice(from) : '';
    // An endless line is handed on in pieces rather than held.
    if (this.#partial.length >= MAX_LINE_CHARS) {
      this.#emit(this.#partial);
      this.#partial = '';
    }
  }

  #emit(line: string): void {
    const onLine = this.#onLine!;
    for (let i = 0; i < line.length; i += MAX_LINE_CHARS) {
      onLine(line.length <= MAX_LINE_CHARS ? line : line.slice(i, i + MAX_LINE_CHARS));
    }
    if (line === '') onLine(line);
    this.#lineBudget -= line.length + 1;
    if (this.#lineBudget <= 0) {
      onLine(
        `(output beyond ${this.#limit} characters is not logged; the task's result keeps its end)`,
      );
    }
  }
}
