/**
 * The one allow-list for links that may leave the app: http, https and mailto. The renderer
 * makes only these clickable; Electron main opens only these in the system browser.
 */
export function isAllowedExternalUrl(href: string): boolean {
  try {
    const url = new URL(href);
    return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'mailto:';
  } catch {
    return false;
  }
}
