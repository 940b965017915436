/**
 * @module
 * Keeping a child process (and its channel and pipes) from holding the
 * event loop open, or letting it again.
 */

type Handle = { ref?: () => void; unref?: () => void } | null | undefined;

/** Refs (`on`) or unrefs every handle given; missing ones are skipped. */
export function setRef(handles: readonly unknown[], on: boolean): void {
  for (const h of handles as Handle[]) {
    if (on) h?.ref?.();
    else h?.unref?.();
  }
}
