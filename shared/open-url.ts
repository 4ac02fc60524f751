/**
 * Addresses the operating system asks Presence Desk to open (`tel:`, `sip:`, `sips:`, `im:`),
 * from a command line (Windows/Linux: the second instance's argv) or macOS `open-url`, read
 * into an `OpenRequest`. Anything else — other schemes, a SIP address without user and host,
 * control characters, absurd lengths — is refused: a link on a web page must not be able to
 * make the app do more than open a conversation or fill the dial box.
 */
import type { OpenRequest } from './domain';
import { splitAddress } from './sip-address';

export const OPEN_SCHEMES = ['tel', 'sip', 'sips', 'im'] as const;

const MAX_URL = 2048;
/** SIP user parts as directories issue them; no quotes, brackets or spaces that could mislead a display. */
const USER = /^[A-Za-z0-9._~+\-!$'*=]{1,128}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** `sip:Maria@Lab.Example;transport=tcp?subject=x` → `sip:Maria@lab.example` (the AOR form used everywhere). */
export function chatAddress(address: string): string | undefined {
  // A display name has no place in a link: refuse it rather than guess which part was meant.
  if (/[<>"]/.test(address)) return undefined;
  const parts = splitAddress(address);
  if (!parts) return undefined;
  const user = decode(parts.user);
  const host = parts.host.replace(/:\d{1,5}$/, '');
  if (!user || !USER.test(user) || !HOST.test(host)) return undefined;
  return `sip:${user}@${host}`;
}

export function parseOpenUrl(raw: unknown): OpenRequest | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_URL || /[\u0000-\u001f\u007f]/.test(raw)) return undefined;
  const url = raw.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'tel') {
    const number = decode(url.slice(4).replace(/^\/\//, '').split(/[;?#]/)[0])?.trim();
    // Digits, a leading +, the visual separators RFC 3966 allows, and * # for PBX codes.
    if (!number || !/^\+?[0-9*#][0-9*#\-.() ]{0,63}$/.test(number)) return undefined;
    return { kind: 'call', number };
  }
  if (scheme === 'sip' || scheme === 'sips' || scheme === 'im') {
    const uri = chatAddress(url);
    return uri ? { kind: 'chat', uri } : undefined;
  }
  return undefined;
}

/** The first openable address in a command line (Electron passes the URL as an argument). */
export function openRequestFromArgv(argv: readonly string[]): OpenRequest | undefined {
  for (const arg of argv) {
    if (typeof arg !== 'string' || arg.startsWith('-')) continue;
    if (!OPEN_SCHEMES.some((s) => arg.toLowerCase().startsWith(`${s}:`))) continue;
    const request = parseOpenUrl(arg);
    if (request) return request;
  }
  return undefined;
}
