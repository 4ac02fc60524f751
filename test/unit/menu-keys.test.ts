/** Keyboard movement in a menu (WAI-ARIA menu pattern), disabled items passed over. */
import { describe, expect, it } from 'vitest';
import { menuMove, type MenuItemInfo } from '../../renderer/src/menu-keys';

const item = (label: string, disabled = false): MenuItemInfo => ({ label, disabled });
// The contact menu of someone with one number the directory could not read.
const items = [
  item('Contact card…'),
  item('Call work 4000'),
  item('Call work ask the operator', true),
  item('Rename…'),
  item('Move to Support desk'),
  item('Remove'),
];

describe('menuMove', () => {
  it('moves down and up, wrapping at both ends', () => {
    expect(menuMove(items, 0, 'ArrowDown')).toBe(1);
    expect(menuMove(items, 5, 'ArrowDown')).toBe(0);
    expect(menuMove(items, 0, 'ArrowUp')).toBe(5);
    expect(menuMove(items, 4, 'ArrowUp')).toBe(3);
  });

  it('passes over disabled items in every direction', () => {
    expect(menuMove(items, 1, 'ArrowDown')).toBe(3);
    expect(menuMove(items, 3, 'ArrowUp')).toBe(1);
    const ends = [item('a', true), item('b'), item('c'), item('d', true)];
    expect(menuMove(ends, -1, 'Home')).toBe(1);
    expect(menuMove(ends, 1, 'End')).toBe(2);
    expect(menuMove(ends, 2, 'ArrowDown')).toBe(1);
    expect(menuMove(ends, 1, 'ArrowUp')).toBe(2);
  });

  it('goes to the ends with Home and End', () => {
    expect(menuMove(items, 3, 'Home')).toBe(0);
    expect(menuMove(items, 1, 'End')).toBe(5);
  });

  it('starts from outside the menu: Down goes to the first item, Up to the last', () => {
    expect(menuMove(items, -1, 'ArrowDown')).toBe(0);
    expect(menuMove(items, -1, 'ArrowUp')).toBe(5);
  });

  it('goes to the next item starting with a typed letter, whatever its case, cycling and skipping disabled ones', () => {
    expect(menuMove(items, 0, 'c')).toBe(1);
    expect(menuMove(items, 1, 'C')).toBe(0); // "Call work ask the operator" is disabled
    expect(menuMove(items, 0, 'r')).toBe(3);
    expect(menuMove(items, 3, 'r')).toBe(5);
    expect(menuMove(items, 5, 'r')).toBe(3);
    expect(menuMove(items, 0, 'm')).toBe(4);
    expect(menuMove([item('Über'), item('Alles')], 1, 'ü')).toBe(0);
  });

  it('moves nothing for other keys, unknown letters, or a menu with nothing enabled', () => {
    expect(menuMove(items, 0, 'x')).toBeUndefined();
    expect(menuMove(items, 0, ' ')).toBeUndefined();
    expect(menuMove(items, 0, 'Enter')).toBeUndefined();
    expect(menuMove(items, 0, 'ArrowRight')).toBeUndefined();
    expect(menuMove([item('a', true)], -1, 'ArrowDown')).toBeUndefined();
    expect(menuMove([], -1, 'Home')).toBeUndefined();
  });
});
