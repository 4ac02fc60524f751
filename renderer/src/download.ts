import type { ExportedFile } from '../../shared/domain';
import { i18n } from './i18n';

/**
 * Hands an exported file to the user. Electron main has already saved it through a save
 * dialog (`savedTo`); in the browser host the page downloads it from a Blob (no server round
 * trip, nothing written on the host). Returns the words to show.
 */
export function deliverExport(file: ExportedFile): string {
  if (file.savedTo) return i18n.t('session:download.saved', { path: file.savedTo });
  if (!file.text && !file.fileName) return i18n.t('session:download.notSaved');
  downloadBlob(new Blob([file.text], { type: `${file.mimeType};charset=utf-8` }), file.fileName);
  return i18n.t('session:download.downloaded', { file: file.fileName });
}

/** Saves a file the page made itself (a download; Electron asks where with its save dialog). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke after the click has been handled: the download has taken its own reference by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
