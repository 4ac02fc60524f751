/**
 * The Diagnostics recorder: secrets never reach the list, a single message or the export;
 * messages are described for the list; the ring buffer stays within its bounds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceRecorder, maskMessage, MASK } from '../../../core/diagnostics';
import { envelope } from '../../../core/cups/soap';
import { CupsSession } from '../../../core/cups';
import { WebDialer, makeCallBody } from '../../../core/dial';
import { startLabWebDialer, type LabWebDialer } from '../../../lab/webdialer/server';

const PASSWORD = 'S3cr3t&<Pa55>';
const DIGEST = '6629fae49393a05397450978507c4ef1';
const SESSION_KEY = 'a1b2c3d4e5f6-session-key-0042';

const register = [
  'REGISTER sip:lab.test SIP/2.0',
  'Via: SIP/2.0/TCP 127.0.0.1:50312;branch=z9hG4bK776asdhds;rport',
  'From: <sip:alex@lab.test>;tag=1928301774',
  'To: <sip:alex@lab.test>',
  'Call-ID: a84b4c76e66710@pc33',
  'CSeq: 2 REGISTER',
  `Authorization: Digest username="alex", realm="lab.test", nonce="dcd98b7102dd2f0e", uri="sip:lab.test", response="${DIGEST}", algorithm=MD5`,
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const message407 = [
  'MESSAGE sip:maria@lab.test SIP/2.0',
  'i: 99xyz@host',
  'CSeq: 7 MESSAGE',
  `proxy-authorization: Digest username="alex",realm="lab.test",nonce="abc",uri="sip:maria@lab.test",response=${DIGEST}`,
  'Content-Length: 5',
  '',
  'hello',
].join('\r\n');

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const login = envelope(`<login><username>alex</username><password>${escapeXml(PASSWORD)}</password></login>`);
const loginAnswer = `HTTP 200\n<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><login-resp><success><session-key>${SESSION_KEY}</session-key></success></login-resp></env:Body></env:Envelope>`;
const withKey = envelope('<get-all-config/>', SESSION_KEY);

function secretsIn(text: string): string[] {
  return [PASSWORD, escapeXml(PASSWORD), DIGEST, SESSION_KEY].filter((s) => text.includes(s));
}

function recordAll(recorder: TraceRecorder): void {
  recorder.record({ protocol: 'sip', direction: 'out', peer: 'tcp 127.0.0.1:5060', raw: register });
  recorder.record({ protocol: 'sip', direction: 'out', peer: 'tcp 127.0.0.1:5060', raw: message407 });
  recorder.record({ protocol: 'soap', direction: 'out', peer: 'http://127.0.0.1:8080/EPASSoap/service', operation: 'login', raw: login });
  recorder.record({ protocol: 'soap', direction: 'in', peer: 'http://127.0.0.1:8080/EPASSoap/service', operation: 'login', raw: loginAnswer });
  recorder.record({ protocol: 'soap', direction: 'out', peer: 'http://127.0.0.1:8080/EPASSoap/service', operation: 'get-all-config', raw: withKey });
  recorder.record({
    protocol: 'webdialer',
    direction: 'out',
    peer: 'https://cucm/webdialer',
    operation: 'makeCallSoap',
    raw: makeCallBody('alex', PASSWORD, '95550100', { user: 'alex', deviceName: 'SEP1', lineNumber: '1000' }),
  });
}

describe('masking', () => {
  it('the fixtures really carry the secrets (so the checks below can fail)', () => {
    expect(secretsIn(register + message407 + login + loginAnswer + withKey).sort()).toEqual([DIGEST, SESSION_KEY, escapeXml(PASSWORD)].sort());
  });

  it('never keeps a password, digest response or session key: not in the list, a message or the export', () => {
    const recorder = new TraceRecorder();
    recordAll(recorder);
    const everything = [
      JSON.stringify(recorder.list()),
      ...recorder.list().map((e) => JSON.stringify(recorder.get(e.id))),
      recorder.exportText(),
      recorder.exportText({ text: 'password' }),
    ].join('\n');
    expect(secretsIn(everything)).toEqual([]);
    expect(recorder.get(1)!.text).toContain(`response="${MASK}"`);
    expect(recorder.get(1)!.text).toContain('username="alex"'); // the rest of the header stays readable
    expect(recorder.get(2)!.text).toContain(`response="${MASK}"`);
    expect(recorder.get(3)!.text).toContain(`<password>${MASK}</password>`);
    expect(recorder.get(3)!.text).toContain('<username>alex</username>');
    expect(recorder.get(4)!.text).toContain(`<session-key>${MASK}</session-key>`);
    expect(recorder.get(6)!.text).toMatch(new RegExp(`<password xsi:type="xsd:string">${MASK.replace(/\*/g, '\\*')}</password>`));
    expect(recorder.get(6)!.text).toContain('95550100');
  });

  it('masks Basic credentials, prefixed elements and the known password in an unknown shape', () => {
    const masked = maskMessage('soap', 'Authorization: Basic YWxleDpTM2NyM3Q=\n<ns1:Password a="1">hunter22</ns1:Password>\n<note>my pass is hunter22</note>', [
      'hunter22',
    ]);
    expect(masked).not.toContain('YWxleDpTM2NyM3Q=');
    expect(masked).not.toContain('hunter22');
    expect(masked).toContain('<note>my pass is ********</note>');
  });

  it('masks a secret split over a folded header line', () => {
    const folded = `REGISTER sip:x SIP/2.0\r\nAuthorization: Digest username="a",\r\n  response="${DIGEST}"\r\nCall-ID: 1\r\n\r\n`;
    expect(maskMessage('sip', folded)).not.toContain(DIGEST);
  });

  it('masks the password the session signs in with, verbatim, wherever it appears', () => {
    const recorder = new TraceRecorder();
    recorder.addSecret('correct horse');
    recorder.record({ protocol: 'sip', direction: 'out', peer: 'tcp x', raw: 'MESSAGE sip:m@x SIP/2.0\r\nCall-ID: 5\r\n\r\nmy password is correct horse' });
    expect(recorder.exportText()).not.toContain('correct horse');
    recorder.clearSecrets();
    recorder.record({ protocol: 'sip', direction: 'out', peer: 'tcp x', raw: 'MESSAGE sip:m@x SIP/2.0\r\nCall-ID: 6\r\n\r\ncorrect horse' });
    expect(recorder.get(2)!.text).toContain('correct horse');
  });
});

describe('masking when shown, not when recorded', () => {
  it('masks the live summary, the message and the export of a SIP message kept raw', () => {
    const recorder = new TraceRecorder();
    recorder.addSecret('correct horse');
    const live: string[] = [];
    recorder.onEntry((e) => live.push(JSON.stringify(e)));
    recorder.record({ protocol: 'sip', direction: 'out', peer: 'tcp x', raw: 'MESSAGE sip:correct horse@x SIP/2.0\r\nCall-ID: correct horse\r\n\r\nhi' });
    recorder.record({ protocol: 'sip', direction: 'out', peer: 'tcp x', raw: register });
    expect(live.join('\n')).not.toContain('correct horse');
    expect(live[0]).toContain(MASK);
    expect(JSON.stringify(recorder.list())).not.toContain('correct horse');
    expect(recorder.get(1)!.text).toBe(`MESSAGE sip:${MASK}@x SIP/2.0\r\nCall-ID: ${MASK}\r\n\r\nhi`);
    expect(secretsIn(recorder.exportText())).toEqual([]);
    expect(recorder.list({ text: 'correct' })).toEqual([]);
  });

  it('masks what the session kept with its password before forgetting it (sign-out)', () => {
    const recorder = new TraceRecorder();
    recorder.addSecret('correct horse');
    recorder.record({ protocol: 'sip', direction: 'out', peer: 'tcp x', raw: 'MESSAGE sip:m@x SIP/2.0\r\nCall-ID: 5\r\n\r\nmy password is correct horse' });
    recorder.clearSecrets();
    expect(recorder.get(1)!.text).toContain(`my password is ${MASK}`);
    expect(recorder.exportText()).not.toContain('correct horse');
  });
});

describe('the trace of real clients', () => {
  let lab: LabWebDialer;
  beforeAll(async () => {
    lab = await startLabWebDialer({ users: [{ id: 'alex', password: PASSWORD, devices: [{ name: 'SEP1', lines: ['1000'] }] }] });
  });
  afterAll(() => lab.close());

  it('WebDialer reports as `webdialer`, both ways, with its credentials masked', async () => {
    const recorder = new TraceRecorder();
    await new WebDialer({ server: lab.url, user: 'alex', password: PASSWORD, timeoutMs: 2000, trace: recorder }).getProfile();
    const list = recorder.list();
    expect(list.map((e) => [e.protocol, e.direction, e.operation])).toEqual([
      ['webdialer', 'out', 'getProfileSoap'],
      ['webdialer', 'in', 'getProfileSoap'],
    ]);
    expect(secretsIn(recorder.exportText())).toEqual([]);
  });

  it('a CUPS login that fails still leaves no password behind', async () => {
    const recorder = new TraceRecorder();
    const cups = new CupsSession({ server: lab.url, user: 'alex', password: PASSWORD, timeoutMs: 2000, trace: recorder });
    await expect(cups.login()).rejects.toBeTruthy();
    expect(recorder.list()[0]).toMatchObject({ protocol: 'soap', direction: 'out', operation: 'login', summary: 'login' });
    expect(secretsIn(recorder.exportText())).toEqual([]);
  });
});

describe('description and bounds', () => {
  it('reads SIP method, status, Call-ID (compact form too) and CSeq, and SOAP operations', () => {
    const recorder = new TraceRecorder();
    recordAll(recorder);
    recorder.record({
      protocol: 'sip',
      direction: 'in',
      peer: 'tcp 127.0.0.1:5060',
      raw: 'SIP/2.0 401 Unauthorized\r\nCall-ID: a84b4c76e66710@pc33\r\nCSeq: 2 REGISTER\r\n\r\n',
    });
    const list = recorder.list();
    expect(list[0]).toMatchObject({
      method: 'REGISTER',
      callId: 'a84b4c76e66710@pc33',
      cseq: '2 REGISTER',
      summary: 'REGISTER sip:lab.test',
      direction: 'out',
    });
    expect(list[1]).toMatchObject({ method: 'MESSAGE', callId: '99xyz@host' });
    expect(list[3]).toMatchObject({ summary: 'login response (HTTP 200)', operation: 'login', direction: 'in' });
    expect(list.at(-1)).toMatchObject({ status: 401, method: 'REGISTER', summary: '401 Unauthorized (REGISTER)' });
    expect(recorder.list({ callId: 'a84b4c76e66710@pc33' }).map((e) => e.id)).toEqual([1, 7]);
    expect(recorder.list({ protocol: 'webdialer' }).map((e) => e.operation)).toEqual(['makeCallSoap']);
    expect(recorder.list({ text: 'GET-ALL-CONFIG' }).map((e) => e.id)).toEqual([5]);
    expect(recorder.list({ limit: 2 }).map((e) => e.id)).toEqual([6, 7]);
    // Searching for a secret finds nothing, because it is not there.
    expect(recorder.list({ text: SESSION_KEY })).toEqual([]);
  });

  it('keeps at most maxEntries and maxBytes, dropping the oldest first, and cuts huge messages', () => {
    const recorder = new TraceRecorder({ maxEntries: 5, maxBytes: 3000, maxEntryBytes: 1000 });
    const seen: number[] = [];
    recorder.onEntry((e) => seen.push(e.id));
    for (let i = 1; i <= 8; i++)
      recorder.record({ protocol: 'sip', direction: 'in', peer: 'p', raw: `MESSAGE sip:a@b SIP/2.0\r\nCall-ID: ${i}\r\n\r\n${'x'.repeat(100)}` });
    expect(recorder.list().map((e) => e.callId)).toEqual(['4', '5', '6', '7', '8']);
    recorder.record({ protocol: 'sip', direction: 'in', peer: 'p', raw: `MESSAGE sip:a@b SIP/2.0\r\nCall-ID: big\r\n\r\n${'y'.repeat(100_000)}` });
    const big = recorder.list().at(-1)!;
    expect(big.bytes).toBeLessThan(1100);
    expect(recorder.get(big.id)!.text).toMatch(/more bytes not kept\)$/);
    for (let i = 0; i < 4; i++)
      recorder.record({ protocol: 'sip', direction: 'in', peer: 'p', raw: `MESSAGE sip:a@b SIP/2.0\r\nCall-ID: z${i}\r\n\r\n${'z'.repeat(900)}` });
    expect(recorder.size.bytes).toBeLessThanOrEqual(3000);
    expect(recorder.get(1)).toBeUndefined();
    expect(seen).toHaveLength(13);
  });

  it('keeps the newest maxEntries of a long session in order, each still found by id', () => {
    const recorder = new TraceRecorder({ maxEntries: 2000 });
    for (let i = 1; i <= 5500; i++)
      recorder.record({ protocol: 'sip', direction: 'in', peer: 'p', raw: `NOTIFY sip:a@b SIP/2.0\r\nCall-ID: c${i}\r\nCSeq: ${i} NOTIFY\r\n\r\n` });
    const ids = recorder.list().map((e) => e.id);
    expect(ids).toHaveLength(2000);
    expect(ids[0]).toBe(3501);
    expect(ids.every((id, i) => i === 0 || id === ids[i - 1] + 1)).toBe(true);
    expect(recorder.size.entries).toBe(2000);
    expect(recorder.get(3500)).toBeUndefined();
    expect(recorder.get(3501)).toMatchObject({ callId: 'c3501', cseq: '3501 NOTIFY', summary: 'NOTIFY sip:a@b' });
    expect(recorder.get(5500)!.text).toContain('Call-ID: c5500');
  });

  it('never throws into the transport that reports', () => {
    const recorder = new TraceRecorder();
    expect(() => recorder.record({ protocol: 'sip', direction: 'in', peer: 'p', raw: undefined as unknown as string })).not.toThrow();
  });
});
