/**
 * @module
 * Aligned text tables for `weft runs` and `weft show`. Cells are put on
 * one line (control characters replaced); on a terminal, the lines are cut
 * to its width by narrowing the columns marked `shrink` (with `…`), and
 * cells are colored after padding, so escape codes never count.
 */
import { oneLine, type Paint, type Style } from './format.ts';

export interface Column<R> {
  readonly header: string;
  readonly value: (row: R) => string;
  readonly align?: 'left' | 'right';
  /** May be narrowed (and its cells cut) to fit the terminal. */
  readonly shrink?: boolean;
  /** Never wider than this (longer cells are cut with `…`), on a terminal or not. */
  readonly max?: number;
  readonly style?: (row: R) => Style | undefined;
}

export interface TableOptions {
  /** Cut lines to this many characters; no cutting when undefined. */
  readonly width?: number | undefined;
  readonly paint: Paint;
}

const GAP = '  ';
const MIN_SHRUNK = 6;

const len = (text: string): number => Array.from(text).length;

/** `text` cut to `width` characters, ending with `…` when cut. */
export function cut(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/** The column widths: each its widest cell, narrowed to fit `width` when given. */
function widths<R>(columns: readonly Column<R>[], cells: string[][], width?: number): number[] {
  const w = columns.map((c, i) =>
    Math.min(
      c.max ?? Number.POSITIVE_INFINITY,
      Math.max(len(c.header), ...cells.map((r) => len(r[i]!))),
    ),
  );
  if (width === undefined) return w;
  let excess = w.reduce((a, b) => a + b, 0) + GAP.length * (w.length - 1) - width;
  // Narrow the widest shrinkable column, one character at a time, until it fits.
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < w.length; i++) {
      if (columns[i]!.shrink && w[i]! > MIN_SHRUNK && (widest < 0 || w[i]! > w[widest]!))
        widest = i;
    }
    if (widest < 0) break;
    w[widest]!--;
    excess--;
  }
  return w;
}

/**
 * The table as text: a header line, then one line per row.
 * @example
 * table([{ header: 'id', value: (r) => r.id }], rows, { paint, width: 80 });
 */
export function table<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  options: TableOptions,
): string {
  const { paint } = options;
  const cells = rows.map((row) => columns.map((c) => oneLine(c.value(row)) || '-'));
  const w = widths(columns, cells, options.width);
  const line = (texts: readonly string[], style: (i: number) => Style | undefined): string => {
    let room = options.width ?? Number.POSITIVE_INFINITY;
    let text = '';
    for (let i = 0; i < texts.length && room > 0; i++) {
      const c = cut(texts[i]!, w[i]!);
      const last = i === texts.length - 1;
      let cell = columns[i]!.align === 'right' ? c.padStart(w[i]!) : last ? c : c.padEnd(w[i]!);
      if (i > 0) cell = GAP + cell;
      // A line whose columns could not shrink enough is cut at the width.
      if (len(cell) > room) cell = cut(cell, room);
      room -= len(cell);
      const s = style(i);
      // Color the text, not the padding.
      const start = cell.length - cell.trimStart().length;
      const end = cell.trimEnd().length;
      text +=
        s === undefined || end <= start
          ? cell
          : cell.slice(0, start) + paint(s, cell.slice(start, end)) + cell.slice(end);
    }
    return text.trimEnd();
  };
  const header = line(
    columns.map((c) => c.header),
    () => 'bold',
  );
  const body = rows.map((row, r) => line(cells[r]!, (i) => columns[i]!.style?.(row)));
  return `${[header, ...body].join('\n')}\n`;
}
