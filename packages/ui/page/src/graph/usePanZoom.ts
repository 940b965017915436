/**
 * @module
 * Panning (drag) and zooming (wheel, around the pointer) of an SVG
 * drawing, and fitting a drawing of a given size into the view (never
 * smaller than can be read: a large drawing is shown from its top).
 */
import { type PointerEvent, type RefObject, useCallback, useEffect, useRef, useState } from 'react';

export interface View {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}

const MIN_K = 0.05;
const MAX_K = 3;
const MIN_FIT_K = 0.25;

/** Pan and zoom for the SVG element `svg` (the wheel listener is not passive: it zooms, never scrolls the page). */
export function usePanZoom(svg: RefObject<SVGSVGElement | null>) {
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const drag = useRef({ x: 0, y: 0, down: false, moved: false });
  /** True once the user panned or zoomed: a drawing that grows is then not fitted again. */
  const touched = useRef(false);

  const fit = useCallback((width: number, height: number, box: DOMRect | undefined) => {
    if (box === undefined || width <= 0 || height <= 0) return;
    const k = Math.min(
      1,
      Math.max(MIN_FIT_K, Math.min(box.width / width, box.height / height) * 0.95),
    );
    setView({ k, x: width * k < box.width ? (box.width - width * k) / 2 : 12, y: 12 });
  }, []);

  useEffect(() => {
    const el = svg.current;
    if (el === null) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      touched.current = true;
      const box = el.getBoundingClientRect();
      const px = e.clientX - box.left;
      const py = e.clientY - box.top;
      setView((v) => {
        const k = Math.min(MAX_K, Math.max(MIN_K, v.k * Math.exp(-e.deltaY * 0.0015)));
        return { k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k };
      });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [svg]);

  const onPointerDown = useCallback((e: PointerEvent<SVGSVGElement>) => {
    drag.current = { x: e.clientX, y: e.clientY, down: true, moved: false };
  }, []);

  const onPointerMove = useCallback((e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d.down) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    d.moved = true;
    touched.current = true;
    d.x = e.clientX;
    d.y = e.clientY;
    setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
  }, []);

  const onPointerUp = useCallback(() => {
    drag.current.down = false;
  }, []);

  /** True when the pointer moved since it went down: the click that ends a drag is no click. */
  const dragged = useCallback(() => drag.current.moved, []);

  return { view, fit, onPointerDown, onPointerMove, onPointerUp, dragged, touched };
}
