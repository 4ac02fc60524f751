import type { ListEditing } from './BuddyList';

/**
 * The buddy list's actions without those that change the server's contact list (a server that
 * keeps none, such as a CME router, whose list is the speed dials): adding (the directory
 * search), the card and calls stay; the edit buttons and menu entries then are not shown at all.
 */
export function withoutListEdits(editing: ListEditing): ListEditing {
  const { newGroup: _n, renameGroup: _r, deleteGroup: _d, ...rest } = editing;
  const { rename: _rename, move: _move, remove: _remove, ...contact } = editing.contact;
  return { ...rest, contact };
}
