/**
 * @module
 * A link inside the page: a real `<a href>` (so it can be opened in a new
 * tab), followed without reloading the page on a plain click.
 */
import type { MouseEvent, ReactNode } from 'react';
import { navigate } from '../router.ts';

export function Link(props: {
  readonly to: string;
  readonly children: ReactNode;
  readonly className?: string;
  readonly title?: string;
}) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} onClick={onClick} className={props.className} title={props.title}>
      {props.children}
    </a>
  );
}
