import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePidf, presenceOf } from '../../../core/sip/codecs/pidf';
import { fetchIcon, PresenceIcons } from '../../../core/contacts/presence-icon';
import { MAX_PHOTO_BYTES } from '../../../core/directory/photo';

const doc = (tuple: string, person = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ` +
  `xmlns:c="urn:ietf:params:xml:ns:pidf:cipid" entity="sip:lena@example.com">${tuple}${person}</presence>`;

describe('last seen and icon from a presence document', () => {
  it('gives an offline contact the newest timestamp of the document as last seen', () => {
    const parsed = parsePidf(
      doc(
        '<tuple id="t1"><status><basic>closed</basic></status><timestamp>2026-12-02T08:15:00Z</timestamp></tuple>',
        '<dm:person id="p"><dm:timestamp>2026-12-02T09:30:00+01:00</dm:timestamp></dm:person>',
      ),
    );
    expect(presenceOf(parsed, 1)).toMatchObject({ availability: 'offline', lastSeen: Date.parse('2026-12-02T08:30:00Z'), updatedAt: 1 });
  });

  it('has no last seen while the contact is online, nor from a damaged or future timestamp', () => {
    expect(
      presenceOf(parsePidf(doc('<tuple id="t"><status><basic>open</basic></status><timestamp>2026-12-02T08:15:00Z</timestamp></tuple>'))).lastSeen,
    ).toBeUndefined();
    expect(presenceOf(parsePidf(doc('<tuple id="t"><status><basic>closed</basic></status><timestamp>yesterday</timestamp></tuple>'))).lastSeen).toBeUndefined();
    expect(
      presenceOf(parsePidf(doc('<tuple id="t"><status><basic>closed</basic></status><timestamp>2999-01-01T00:00:00Z</timestamp></tuple>'))).lastSeen,
    ).toBeUndefined();
  });

  it('reads the person’s CIPID icon, http or https only', () => {
    const closed = '<tuple id="t"><status><basic>open</basic></status></tuple>';
    expect(presenceOf(parsePidf(doc(closed, '<dm:person id="p"><c:icon>https://pics.example.com/lena.png</c:icon></dm:person>'))).icon).toBe(
      'https://pics.example.com/lena.png',
    );
    for (const bad of ['javascript:alert(1)', 'data:image/svg+xml,<svg/>', 'file:///etc/passwd', '']) {
      expect(presenceOf(parsePidf(doc(closed, `<dm:person id="p"><c:icon>${bad.replace(/</g, '&lt;')}</c:icon></dm:person>`))).icon).toBeUndefined();
    }
    // An icon element of another namespace is not CIPID's.
    expect(presenceOf(parsePidf(doc(closed, '<dm:person id="p"><dm:icon>https://pics.example.com/x.png</dm:icon></dm:person>'))).icon).toBeUndefined();
  });
});

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(32, 1)]);
let server: Server;
let base: string;
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const send = (type: string, body: Buffer | string) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    };
    if (req.url === '/lena.png') return send('image/png', PNG);
    if (req.url === '/page') return send('text/html', '<html></html>');
    if (req.url === '/fake.png') return send('image/png', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    if (req.url === '/huge.png') {
      // No Content-Length: the download itself is stopped at the cap.
      res.writeHead(200, { 'content-type': 'image/png', 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 20; i++) res.write(Buffer.alloc(16 * 1024));
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fetching a presence icon', () => {
  it('takes a real image of an allowed kind as a data URL', async () => {
    expect(await fetchIcon(`${base}/lena.png`)).toEqual({ ok: true, type: 'image/png', dataUrl: `data:image/png;base64,${PNG.toString('base64')}` });
  });

  it('refuses other content types, disguised documents, oversized downloads, errors and other schemes, in words', async () => {
    expect(await fetchIcon(`${base}/page`)).toEqual({ ok: false, problem: 'it is text/html, not an image' });
    expect(await fetchIcon(`${base}/fake.png`)).toEqual({ ok: false, problem: 'the photo is not a JPEG, PNG, GIF or WebP image' });
    expect(await fetchIcon(`${base}/huge.png`)).toEqual({ ok: false, problem: `it is larger than ${MAX_PHOTO_BYTES / 1024} KB` });
    expect(await fetchIcon(`${base}/missing.png`)).toEqual({ ok: false, problem: 'the server answered HTTP 404' });
    expect(await fetchIcon('ftp://example.com/x.png')).toEqual({ ok: false, problem: 'ftp: addresses are not fetched' });
    expect(await fetchIcon(`http://user:secret@127.0.0.1/x.png`)).toEqual({ ok: false, problem: 'addresses with credentials are not fetched' });
  });

  it('fetches each address once per session, and says once why one is not shown', async () => {
    const log: string[] = [];
    const icons = new PresenceIcons((l) => log.push(l));
    const before = requests;
    expect(await icons.get(`${base}/lena.png`)).toMatch(/^data:image\/png;base64,/);
    expect(await icons.get(`${base}/lena.png`)).toMatch(/^data:image\/png;base64,/);
    expect(await icons.get(`${base}/page`)).toBeUndefined();
    expect(await icons.get(`${base}/page`)).toBeUndefined();
    expect(requests - before).toBe(2);
    expect(log).toEqual([`presence: the picture at ${base}/page is not shown: it is text/html, not an image`]);
  });
});
