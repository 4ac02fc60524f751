/**
 * Contact photos: bytes from the directory (jpegPhoto, thumbnailPhoto) or a presence icon
 * become a `data:` URL the renderer shows in an <img> (CSP `img-src 'self' data:`), but only
 * when they are an image of a kind a browser draws without running anything — JPEG, PNG, GIF
 * or WebP, recognised by their first bytes whatever the source claims — and no bigger than a
 * photo needs to be. SVG is refused: it is a document that can hold scripts and links.
 *
 * The cache keeps each contact's photo on disk (one file per contact, named by a hash of the
 * directory and the user id, so no user id becomes a path), so photos show at once at the next
 * sign-in and while the directory cannot be reached.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Directory photos are thumbnails: Active Directory caps thumbnailPhoto at 100 KB too. */
export const MAX_PHOTO_BYTES = 100 * 1024;

const KINDS: { type: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/jpeg', test: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/png', test: (b) => b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/gif', test: (b) => b.length > 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  { type: 'image/webp', test: (b) => b.length > 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

export type PhotoResult = { ok: true; dataUrl: string; type: string } | { ok: false; problem: string };

/** The image as a `data:` URL, or why it is not shown. */
export function photoFromBytes(bytes: Buffer, maxBytes = MAX_PHOTO_BYTES): PhotoResult {
  if (bytes.length === 0) return { ok: false, problem: 'the photo is empty' };
  if (bytes.length > maxBytes)
    return { ok: false, problem: `the photo is ${Math.ceil(bytes.length / 1024)} KB, more than the ${Math.floor(maxBytes / 1024)} KB allowed` };
  const kind = KINDS.find((k) => k.test(bytes));
  if (!kind) return { ok: false, problem: 'the photo is not a JPEG, PNG, GIF or WebP image' };
  return { ok: true, type: kind.type, dataUrl: `data:${kind.type};base64,${bytes.toString('base64')}` };
}

export class PhotoCache {
  constructor(
    private readonly dir: string,
    /** Which directory the photos come from (its primary server): keeps accounts apart. */
    private readonly source: string,
    private readonly log?: (line: string) => void,
  ) {}

  private file(userId: string): string {
    return join(this.dir, createHash('sha256').update(`${this.source}\n${userId.trim().toLowerCase()}`).digest('hex').slice(0, 40));
  }

  /** The cached photo of this user, checked again as it is read (a file may be damaged). */
  get(userId: string): string | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file(userId));
    } catch {
      return undefined;
    }
    const photo = photoFromBytes(bytes);
    return photo.ok ? photo.dataUrl : undefined;
  }

  /** Keeps the photo (written, then renamed, so a crash never leaves half an image). */
  put(userId: string, dataUrl: string): void {
    const bytes = Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    const file = this.file(userId);
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(`${file}.tmp`, bytes, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    } catch (error) {
      this.log?.(`directory: the photo of ${userId} could not be cached in ${this.dir}: ${(error as Error).message}`);
    }
  }

  /** The directory has no photo for this user (any more). */
  remove(userId: string): void {
    rmSync(this.file(userId), { force: true });
  }
}
