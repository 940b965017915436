/**
 * @module
 * Numbers and times as the page writes them.
 */

/** `850ms`, `12.3s`, `4m 05s`, `2h 03m`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A time of day, with the date when it is not today. */
export function when(time: number | null | undefined): string {
  if (time === null || time === undefined) return '–';
  const d = new Date(time);
  const today = new Date().toDateString() === d.toDateString();
  const clock = d.toLocaleTimeString(undefined, { hour12: false });
  return today ? clock : `${d.toLocaleDateString()} ${clock}`;
}

/** `812 B`, `1.4 KiB`, `3.0 MiB`. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** The file name of a path. */
export function baseName(path: string | null): string {
  if (path === null) return '–';
  return path.split(/[\\/]/).pop() ?? path;
}

/** `1,234`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
