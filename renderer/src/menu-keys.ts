/**
 * Keyboard movement in a menu, after the WAI-ARIA menu pattern: arrows move and wrap, Home and
 * End go to the ends, a typed character goes to the next item whose label starts with it.
 * Disabled items cannot be focused, so every move passes over them.
 */
export interface MenuItemInfo {
  label: string;
  disabled: boolean;
}

/**
 * The index the focus moves to from `current` (-1: no item has it) for `key`, or undefined when
 * the key moves nothing (not a movement key, no enabled item, no label with that letter).
 */
export function menuMove(items: readonly MenuItemInfo[], current: number, key: string): number | undefined {
  const n = items.length;
  // The first enabled item met going `step` at a time from `from` (excluded), all the way round.
  const scan = (from: number, step: 1 | -1, accept: (item: MenuItemInfo) => boolean = () => true) => {
    for (let k = 1; k <= n; k++) {
      const i = (((from + step * k) % n) + n) % n;
      if (!items[i].disabled && accept(items[i])) return i;
    }
    return undefined;
  };
  if (n === 0) return undefined;
  switch (key) {
    case 'ArrowDown':
      return scan(current < 0 ? -1 : current, 1);
    case 'ArrowUp':
      return scan(current < 0 ? 0 : current, -1);
    case 'Home':
      return scan(-1, 1);
    case 'End':
      return scan(0, -1);
  }
  if ([...key].length !== 1 || !key.trim()) return undefined;
  const letter = key.toLocaleLowerCase();
  return scan(current < 0 ? -1 : current, 1, (item) => item.label.trim().toLocaleLowerCase().startsWith(letter));
}
