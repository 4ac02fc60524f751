/**
 * Pictures a presence document points at (CIPID `icon`, RFC 4482): fetched by the core, never by
 * the page, and only when safe to show — http or https, no credentials in the address, an image
 * content type, at most `MAX_PHOTO_BYTES` (the download stops there), and bytes that really are a
 * JPEG, PNG, GIF or WebP image (core/directory/photo.ts). What is fetched is kept per address for
 * the session, failures too, so a contact's every NOTIFY does not fetch it again.
 */
import { MAX_PHOTO_BYTES, photoFromBytes, type PhotoResult } from '../directory/photo';

export interface IconFetchOptions {
  timeoutMs?: number;
  maxBytes?: number;
}

export async function fetchIcon(address: string, options: IconFetchOptions = {}): Promise<PhotoResult> {
  const maxBytes = options.maxBytes ?? MAX_PHOTO_BYTES;
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { ok: false, problem: `"${address.slice(0, 80)}" is not an address` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, problem: `${url.protocol} addresses are not fetched` };
  if (url.username || url.password) return { ok: false, problem: 'addresses with credentials are not fetched' };
  try {
    const response = await fetch(url, { redirect: 'error', credentials: 'omit', signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
    if (!response.ok) return { ok: false, problem: `the server answered HTTP ${response.status}` };
    const type = response.headers.get('content-type') ?? '';
    if (!/^image\//i.test(type)) return { ok: false, problem: `it is ${type || 'of no declared type'}, not an image` };
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) return { ok: false, problem: `it is larger than ${Math.floor(maxBytes / 1024)} KB` };
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body?.getReader();
    for (let part = await reader?.read(); reader && part && !part.done; part = await reader.read()) {
      const value = part.value;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel();
        return { ok: false, problem: `it is larger than ${Math.floor(maxBytes / 1024)} KB` };
      }
      chunks.push(value);
    }
    return photoFromBytes(Buffer.concat(chunks), maxBytes);
  } catch (error) {
    return { ok: false, problem: (error as Error).name === 'TimeoutError' ? 'the server did not answer in time' : (error as Error).message };
  }
}

/** The icons of one session, by address: fetched once each. */
export class PresenceIcons {
  private readonly known = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly log?: (line: string) => void,
    private readonly options: IconFetchOptions = {},
  ) {}

  /** The icon as a `data:` URL, or undefined (the reason is logged once). */
  get(address: string): Promise<string | undefined> {
    let icon = this.known.get(address);
    if (!icon) {
      icon = fetchIcon(address, this.options).then((r) => {
        if (r.ok) return r.dataUrl;
        this.log?.(`presence: the picture at ${address.slice(0, 200)} is not shown: ${r.problem}`);
        return undefined;
      });
      this.known.set(address, icon);
    }
    return icon;
  }
}
