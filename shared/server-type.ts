import type { ServerType } from './domain';

/**
 * The server type an address names by its path, if it does: a CME router's XML API is at
 * `/ios_xml_app/cme` (the CME configuration chapter), a CUPS server's SOAP at `/EPASSoap/service`.
 * Used by the sign-in form (to choose for the user) and the core (when a request names no type).
 */
export function serverTypeOf(server: string): ServerType | undefined {
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/[^?#]*)?/i.exec(server.trim())?.[1] ?? /^[^/]*(\/[^?#]*)/.exec(server.trim())?.[1] ?? '';
  if (/^\/ios_xml_app\/cme\b/i.test(path)) return 'cme';
  if (/^\/EPASSoap\b/i.test(path)) return 'cups';
  return undefined;
}
