/**
 * The Content-Security-Policy of the renderer, defined once for every place that states it:
 * the Electron session's response headers, the browser host's responses and the `<meta>` of
 * `renderer/index.html` (filled in by the Vite build).
 *
 * The only difference between hosts is where the page may connect: the browser host's page
 * speaks to its host over a loopback WebSocket; the Electron page talks over IPC and connects
 * nowhere but its own origin.
 */
export type CspHost = 'electron' | 'browser';

const DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Only the browser host's page needs the loopback WebSocket. */
const BROWSER_CONNECT = 'ws://127.0.0.1:*';

export function contentSecurityPolicy(host: CspHost): string {
  return Object.entries(DIRECTIVES)
    .map(([name, sources]) => [name, ...sources, ...(host === 'browser' && name === 'connect-src' ? [BROWSER_CONNECT] : [])].join(' '))
    .join('; ');
}

/** Placeholder in `renderer/index.html` that the build replaces with the policy. */
export const CSP_PLACEHOLDER = '%PRESENCE_DESK_CSP%';
