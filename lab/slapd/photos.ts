/**
 * Portraits for the lab directory's people: small PNG images (a head-and-shoulders silhouette on
 * a colour of each person's own), made here with the lab's own encoder — zlib and the PNG
 * chunk layout of the PNG specification — so the directory serves real images as `jpegPhoto`
 * values (slapd stores them as bytes; Active Directory and OpenLDAP sites hold PNGs there too).
 */
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 64;

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGB PNG of `SIZE`×`SIZE` pixels whose colour at (x, y) is `paint(x, y)`. */
export function encodePng(paint: (x: number, y: number) => [number, number, number]): Buffer {
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 3));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 3);
    rows[row] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) rows.set(paint(x, y), row + 1 + x * 3);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A portrait in `hue` (degrees): light silhouette on a darker ground. */
export function labPortrait(hue: number): Buffer {
  const rgb = (l: number): [number, number, number] => {
    // HSL with 45 % saturation to RGB, enough for a flat illustration.
    const s = 0.45;
    const c = (1 - Math.abs(2 * l - 1)) * s;
    const h = hue / 60;
    const x = c * (1 - Math.abs((h % 2) - 1));
    const [r, g, b] = h < 1 ? [c, x, 0] : h < 2 ? [x, c, 0] : h < 3 ? [0, c, x] : h < 4 ? [0, x, c] : h < 5 ? [x, 0, c] : [c, 0, x];
    const m = l - c / 2;
    return [r, g, b].map((v) => Math.round((v + m) * 255)) as [number, number, number];
  };
  const ground = rgb(0.35);
  const figure = rgb(0.82);
  return encodePng((x, y) => {
    const head = (x - 32) ** 2 + (y - 25) ** 2 <= 12 ** 2;
    const shoulders = y > 44 && ((x - 32) / 24) ** 2 + ((y - 66) / 22) ** 2 <= 1;
    return head || shoulders ? figure : ground;
  });
}

/** Who has a photo in the lab directory, and its hue; the others are shown with initials. */
export const LAB_PHOTO_HUES: Record<string, number> = { alex: 210, maria: 340, sam: 25, priya: 160, omar: 265, mgonzalez: 190 };
