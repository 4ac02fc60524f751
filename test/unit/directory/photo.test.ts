import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES, PhotoCache, photoFromBytes } from '../../../core/directory/photo';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
const dir = mkdtempSync(join(tmpdir(), 'pd-photo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('photos', () => {
  it('takes JPEG, PNG, GIF and WebP by their first bytes, whatever else they claim', () => {
    expect(photoFromBytes(JPEG)).toMatchObject({ ok: true, type: 'image/jpeg', dataUrl: `data:image/jpeg;base64,${JPEG.toString('base64')}` });
    expect(photoFromBytes(PNG)).toMatchObject({ ok: true, type: 'image/png' });
    expect(photoFromBytes(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toMatchObject({ ok: true, type: 'image/gif' });
    expect(photoFromBytes(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toMatchObject({ ok: true, type: 'image/webp' });
  });

  it('refuses SVG, HTML, text, empty and oversized photos, saying why', () => {
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', '<html><img src=x onerror=alert(1)>', 'Maria']) {
      expect(photoFromBytes(Buffer.from(text))).toEqual({ ok: false, problem: 'the photo is not a JPEG, PNG, GIF or WebP image' });
    }
    expect(photoFromBytes(Buffer.alloc(0))).toEqual({ ok: false, problem: 'the photo is empty' });
    const big = Buffer.concat([JPEG, Buffer.alloc(MAX_PHOTO_BYTES)]);
    expect(photoFromBytes(big)).toEqual({ ok: false, problem: 'the photo is 101 KB, more than the 100 KB allowed' });
  });

  it('caches per contact and directory, checks what it reads back, and forgets on request', () => {
    const cache = new PhotoCache(dir, 'ldap.example.com:389');
    const other = new PhotoCache(dir, 'ldap.other.example:389');
    const url = `data:image/png;base64,${PNG.toString('base64')}`;
    cache.put('Maria', url);
    expect(cache.get('maria')).toBe(url);
    expect(other.get('maria')).toBeUndefined();
    const [file] = readdirSync(dir);
    expect(readFileSync(join(dir, file))).toEqual(PNG);
    // A damaged file is not shown.
    writeFileSync(join(dir, file), '<svg/>');
    expect(cache.get('maria')).toBeUndefined();
    cache.remove('maria');
    expect(readdirSync(dir)).toEqual([]);
  });
});
