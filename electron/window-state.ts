/**
 * Remembered window geometry, clamped to the displays there are now: a window saved on a
 * monitor that has since been unplugged, or larger than the current screen, comes back fully
 * visible instead of off-screen. Pure logic (no electron import) so it is unit-tested.
 */

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SavedWindowState {
  bounds: Bounds;
  maximized?: boolean;
}

export const DEFAULT_SIZE = { width: 1100, height: 740 };
export const MIN_SIZE = { width: 420, height: 360 };
/** How much of the title bar must be on a display for the saved place to count as visible. */
const MIN_VISIBLE = 64;

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** Reads what was stored (electron-store may hold anything after a hand edit). */
export function readWindowState(raw: unknown): SavedWindowState | undefined {
  const r = raw as { bounds?: Partial<Bounds>; maximized?: unknown } | undefined;
  const b = r?.bounds;
  if (!b || !finite(b.x) || !finite(b.y) || !finite(b.width) || !finite(b.height) || b.width <= 0 || b.height <= 0) return undefined;
  return { bounds: { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) }, maximized: r?.maximized === true };
}

function overlap(a: Bounds, b: Bounds): { w: number; h: number } {
  return {
    w: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    h: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Where to open the window: the saved bounds when their title bar is on some display's work
 * area (size shrunk to fit that display); otherwise the saved size (or the default) centred on
 * the primary display. `workAreas[0]` is the primary display.
 */
export function clampBounds(saved: Bounds | undefined, workAreas: Bounds[]): Bounds {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: DEFAULT_SIZE.width, height: DEFAULT_SIZE.height };
  const fit = (size: { width: number; height: number }, area: Bounds) => ({
    width: Math.max(Math.min(MIN_SIZE.width, area.width), Math.min(size.width, area.width)),
    height: Math.max(Math.min(MIN_SIZE.height, area.height), Math.min(size.height, area.height)),
  });
  if (saved) {
    const titleBar = { x: saved.x, y: saved.y, width: saved.width, height: Math.min(32, saved.height) };
    const home = workAreas
      .map((area) => ({ area, o: overlap(titleBar, area) }))
      .filter(({ o }) => o.w >= Math.min(MIN_VISIBLE, saved.width) && o.h > 0)
      .sort((a, b) => b.o.w * b.o.h - a.o.w * a.o.h)[0]?.area;
    if (home) {
      const size = fit(saved, home);
      // Pull it fully inside that display, keeping its place as far as possible.
      const x = Math.min(Math.max(saved.x, home.x), home.x + home.width - size.width);
      const y = Math.min(Math.max(saved.y, home.y), home.y + home.height - size.height);
      return { x, y, ...size };
    }
  }
  const size = fit(saved ?? DEFAULT_SIZE, primary);
  return { x: primary.x + Math.round((primary.width - size.width) / 2), y: primary.y + Math.round((primary.height - size.height) / 2), ...size };
}
