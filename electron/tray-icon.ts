/**
 * The tray icon: a filled circle in the colour of the user's status, drawn as a PNG in code
 * so the icon follows the status without shipping one image per status and size.
 */
import { deflateSync } from 'node:zlib';
import type { OwnAvailability, SessionPhase } from '../shared/domain';

/** Same colours as the renderer's presence dots (`styles.css`). */
export const STATUS_COLOURS: Record<OwnAvailability | 'signed-out', [number, number, number]> = {
  available: [0x1f, 0x9d, 0x55],
  away: [0xe0, 0xa8, 0x00],
  busy: [0xd9, 0x30, 0x25],
  dnd: [0xa3, 0x16, 0x1a],
  invisible: [0xa0, 0xa7, 0xb4],
  'signed-out': [0xa0, 0xa7, 0xb4],
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGBA PNG of `size`×`size` pixels: a disc with a soft edge, transparent around it. */
export function statusIconPng(availability: OwnAvailability, phase: SessionPhase, size = 32): Buffer {
  const [r, g, b] = STATUS_COLOURS[phase === 'signed-in' ? availability : 'signed-out'];
  const rows: Buffer[] = [];
  const centre = (size - 1) / 2;
  const radius = size * 0.42;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - centre, y - centre);
      const alpha = Math.max(0, Math.min(1, radius - d + 0.5));
      row.set([r, g, b, Math.round(alpha * 255)], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
