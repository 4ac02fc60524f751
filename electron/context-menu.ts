/**
 * The right-click menu of the app's pages: in a misspelled word (Chromium's spell checker, on
 * for every window) the dictionary's suggestions first, then "Add to dictionary"; in any field
 * Cut, Copy, Paste and Select all; on selected text Copy. Built from what Chromium reports in
 * its `context-menu` event, so the same words the page underlines are the ones offered.
 * `contextMenuItems` is plain data (tested without Electron); `attachContextMenu` wires it.
 * The labels are in the UI's language (electron/i18n.ts), built anew at each right-click, so a
 * language chosen in Settings applies to the next menu.
 */
import type { ContextMenuParams, Menu as ElectronMenu, MenuItemConstructorOptions, WebContents } from 'electron';
import { t } from './i18n';

/** What the menu needs from Chromium's report. */
export type EditContext = Pick<ContextMenuParams, 'misspelledWord' | 'dictionarySuggestions' | 'isEditable' | 'selectionText'> & {
  editFlags: Pick<ContextMenuParams['editFlags'], 'canCut' | 'canCopy' | 'canPaste' | 'canSelectAll'>;
};

export interface SpellActions {
  replace(suggestion: string): void;
  learn(word: string): void;
}

/** At most this many suggestions, as other editors show. */
const MAX_SUGGESTIONS = 5;

export function contextMenuItems(params: EditContext, actions: SpellActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  if (params.isEditable && params.misspelledWord) {
    const suggestions = params.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
    for (const s of suggestions) items.push({ label: s, click: () => actions.replace(s) });
    if (suggestions.length === 0) items.push({ label: t('shell:contextMenu.noSuggestions'), enabled: false });
    items.push({ label: t('shell:contextMenu.addToDictionary', { word: params.misspelledWord }), click: () => actions.learn(params.misspelledWord) });
    items.push({ type: 'separator' });
  }
  if (params.isEditable) {
    items.push(
      { role: 'cut', label: t('shell:contextMenu.cut'), enabled: params.editFlags.canCut },
      { role: 'copy', label: t('shell:contextMenu.copy'), enabled: params.editFlags.canCopy },
      { role: 'paste', label: t('shell:contextMenu.paste'), enabled: params.editFlags.canPaste },
      { type: 'separator' },
      { role: 'selectAll', label: t('shell:contextMenu.selectAll'), enabled: params.editFlags.canSelectAll },
    );
  } else if (params.selectionText.trim()) {
    items.push({ role: 'copy', label: t('shell:contextMenu.copy'), enabled: params.editFlags.canCopy });
  }
  return items;
}

export function attachContextMenu(contents: WebContents, menu: Pick<typeof ElectronMenu, 'buildFromTemplate'>): void {
  contents.on('context-menu', (_event, params) => {
    const items = contextMenuItems(params, {
      replace: (s) => contents.replaceMisspelling(s),
      learn: (word) => contents.session.addWordToSpellCheckerDictionary(word),
    });
    if (items.length > 0) menu.buildFromTemplate(items).popup();
  });
}
