/**
 * Contract between the client's codecs and the lab's own (written apart on purpose, see
 * test/unit/lab-independence.test.ts): on the CUPS guide's own examples (test/fixtures/cups-guide),
 * and on the messages each side builds, both must read the same thing. A bug in either codec now
 * shows here instead of sitting on both ends of every other test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, exchange } from '../../core/cups/soap';
import { readContactList, readDialingRules, readLogin } from '../../core/cups/parse';
import { readContactStatuses } from '../../core/cups/operations';
import type { CupsGroup } from '../../core/cups/types';
import { find, parseXml, text, type XmlNode } from '../../core/xml/safe-xml';
import { CstaFrameReader, encodeCstaFrame } from '../../core/dial/csta-frame';
import {
  answerCallXml,
  clearConnectionXml,
  holdCallXml,
  monitorStartXml,
  parseCstaMessage,
  retrieveCallXml,
  snapshotDeviceXml,
  type CstaCallEvent,
} from '../../core/dial/csta-xml';
import { WEBDIALER_CODES, endCallBody, getProfileBody, makeCallBody, readResult } from '../../core/dial/webdialer';
import { startLabCups, type LabCups } from '../../lab/cups/server';
import { LabCstaDeframer, cstaField, frameCsta, lineOf, readCsta } from '../../lab/cti/csta-codec';
import { LabSwitch } from '../../lab/cti/switch';
import { readWebDialerRequest, webDialerResponse, deviceInfoList } from '../../lab/webdialer/webdialer-codec';

const FIXTURE = readFileSync(join(import.meta.dirname, '../fixtures/cups-guide/soap-examples.txt'), 'utf8').split('\n');

/** The guide's Example N exactly as printed. */
function example(n: number): string {
  const at = FIXTURE.findIndex((line) => line.startsWith(`Example ${n} `));
  if (at < 0) throw new Error(`no Example ${n} in the fixture`);
  return FIXTURE[at + 1]!;
}

/**
 * A request example as a client would send it: the one piece of conversion damage a server
 * would refuse (the Envelope's attributes run together) repaired, and the session key the
 * lab handed out instead of the guide's.
 */
const asSent = (xml: string, key?: string) =>
  xml.replace(/"(?=[A-Za-z_][\w.:-]*=")/g, '" ').replace(/<session-key>[^<]*<\/session-key>/, key === undefined ? '$&' : `<session-key> ${key}</session-key>`);

/** The client reading a response example the way CupsSession reads the wire. */
const clientReads = (xml: string, element: string): XmlNode | undefined => find(parseXml(xml, { what: 'example' }), element);

const byIndex = (groups: CupsGroup[]) =>
  groups
    .map((g) => ({ name: g.name, index: g.index, contacts: [...g.contacts].sort((x, y) => (x.index ?? 0) - (y.index ?? 0)) }))
    .sort((x, y) => (x.index ?? 0) - (y.index ?? 0));

describe('CUPS SOAP: the lab server and the client agree on the guide’s examples', () => {
  let lab: LabCups;
  let endpoint: URL;
  const guideRules = readDialingRules(clientReads(example(48), 'get-dialing-rules-resp'));

  beforeAll(async () => {
    // The state the guide's add-contact example (34) starts from: its users, and the groups it adds to (indices as Example 27 shows them).
    lab = await startLabCups({
      domain: 'cups.example.com',
      presence: { host: '127.0.0.1', port: 5060, protocol: 'tcp' },
      users: ['xmzhou', 'soapuser1', 'soapuser2', 'soapuser3', 'soapuser4', 'soapuser5'].map((id) => ({ id, password: '12345', displayName: id })),
      contactLists: {
        xmzhou: [
          { name: '', index: -200, contacts: [] },
          { name: 'work', index: 1000.9, contacts: [] },
          { name: 'new customers', index: 2000.9, contacts: [] },
        ],
      },
      dialingRules: guideRules,
    });
    endpoint = new URL(lab.url);
  });

  afterAll(() => lab?.close());

  const send = (operation: string, xml: string) => exchange(endpoint, operation, xml);

  it('login (Examples 11 and 13): the lab accepts the guide’s request, and refuses a wrong password in the guide’s words', async () => {
    const accepted = readLogin(find(await send('login', asSent(example(11))), 'login-resp'));
    expect(accepted).toEqual({ key: lab.sessionOf('xmzhou') });
    const guideRefusal = readLogin(clientReads(example(13), 'login-resp'));
    expect(guideRefusal).toEqual({ reason: 'Wrong username/password' });
    const wrong = asSent(example(11)).replace('<password>12345</password>', '<password>54321</password>');
    expect(readLogin(find(await send('login', wrong.replace('<login>', '<login force="true">')), 'login-resp'))).toEqual(guideRefusal);
  });

  it('add-contact (Examples 34 → 35): the guide’s request gets the guide’s answer, item by item', async () => {
    const key = lab.sessionOf('xmzhou')!;
    const answer = readContactStatuses(find(await send('add-contact', asSent(example(34), key)), 'add-contact-resp'));
    expect(answer).toEqual(readContactStatuses(clientReads(example(35), 'add-contact-resp')));
    expect(answer).toHaveLength(14);
  });

  it('get-contact-list (Examples 26 → 27): after those additions the list is the guide’s', async () => {
    const key = lab.sessionOf('xmzhou')!;
    const list = readContactList(find(await send('get-contact-list', asSent(example(26), key)), 'get-contact-list-resp'));
    expect(byIndex(list)).toEqual(byIndex(readContactList(clientReads(example(27), 'get-contact-list-resp'))));
  });

  it('get-dialing-rules (Example 48): the lab serves the guide’s rules in a shape the client reads back unchanged', async () => {
    expect(guideRules).toHaveLength(2);
    const key = lab.sessionOf('xmzhou')!;
    const served = readDialingRules(find(await send('get-dialing-rules', envelope('<get-dialing-rules/>', key)), 'get-dialing-rules-resp'));
    expect(served).toEqual(guideRules);
  });
});

describe('CSTA (ECMA-323 over TCP): the lab gateway’s codec and the client’s', () => {
  it('frames: each side cuts the other’s messages out of a byte stream, whatever the chunking', () => {
    const xmls = [monitorStartXml('1000'), snapshotDeviceXml('1000'), 'ü'.repeat(300)];
    const clientBytes = Buffer.concat(xmls.map((x, i) => encodeCstaFrame(`000${i + 1}`, x)));
    const lab = new LabCstaDeframer();
    const labRead = [...clientBytes].flatMap((byte) => lab.push(Buffer.from([byte])));
    expect(labRead).toEqual(xmls.map((xml, i) => ({ invokeId: `000${i + 1}`, xml })));

    const labBytes = Buffer.concat(xmls.map((x) => frameCsta('9999', x)));
    expect(labBytes.equals(Buffer.concat(xmls.map((x) => encodeCstaFrame('9999', x))))).toBe(true);
    const client = new CstaFrameReader();
    const clientRead = [labBytes.subarray(0, 5), labBytes.subarray(5, 400), labBytes.subarray(400)].flatMap((chunk) => client.push(chunk));
    expect(clientRead.map((f) => f.xml)).toEqual(xmls);
  });

  it('requests the client sends are read by the lab as the service and the fields it named', () => {
    const start = readCsta(monitorStartXml('N<1000>'));
    expect([start.kind, start.name, lineOf(cstaField(start.body, 'deviceObject'))]).toEqual(['request', 'MonitorStart', '1000']);
    const snapshot = readCsta(snapshotDeviceXml('sip:1000@cucm;user=phone'));
    expect([snapshot.name, lineOf(cstaField(snapshot.body, 'snapshotObject'))]).toEqual(['SnapshotDevice', '1000']);
    for (const [build, name] of [
      [answerCallXml, 'AnswerCall'],
      [holdCallXml, 'HoldCall'],
      [retrieveCallXml, 'RetrieveCall'],
      [clearConnectionXml, 'ClearConnection'],
    ] as const) {
      const message = readCsta(build('42', '1000'));
      expect([message.kind, message.name, cstaField(message.body, 'callID'), cstaField(message.body, 'deviceID')]).toEqual(['request', name, '42', '1000']);
    }
  });

  it('events the lab switch sends are read by the client with the call, the devices and the line’s state', () => {
    const phoneSwitch = new LabSwitch(new Set(['1000', '1001']));
    const seen: Array<{ line: string; event: CstaCallEvent }> = [];
    phoneSwitch.onEvent((line, xml) => {
      const message = parseCstaMessage(xml);
      if (message.type !== 'event' || message.event.kind !== 'call') throw new Error(`not a call event: ${xml}`);
      seen.push({ line, event: message.event });
    });
    const call = phoneSwitch.placeCall('1000', '1001');
    phoneSwitch.answer(call.id);
    phoneSwitch.hold(call.id, '1000');
    phoneSwitch.retrieve(call.id, '1000');
    phoneSwitch.clear(call.id, '1001');
    const atCaller = seen.filter((s) => s.line === '1000').map(({ event }) => [event.name, event.callId, event.local]);
    expect(atCaller).toEqual([
      ['ServiceInitiatedEvent', call.id, 'initiated'],
      ['OriginatedEvent', call.id, 'connected'],
      ['DeliveredEvent', call.id, 'connected'],
      ['EstablishedEvent', call.id, 'connected'],
      ['HeldEvent', call.id, 'held'],
      ['RetrievedEvent', call.id, 'connected'],
      ['ConnectionClearedEvent', call.id, 'null'],
    ]);
    const delivered = seen.find((s) => s.line === '1001' && s.event.name === 'DeliveredEvent')!.event;
    expect(delivered).toMatchObject({ local: 'alerting', calling: '1000', called: '1001', alerting: '1001', cause: 'newCall' });
    expect(seen.find((s) => s.event.name === 'ConnectionClearedEvent')!.event).toMatchObject({ subject: '1001', cause: 'normalClearing' });
  });
});

describe('WebDialer (SOAP 1.1, urn:WD70): the lab’s codec and the client’s', () => {
  const wrap = (body: string) =>
    `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:WD70" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header/><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
  const profile = { user: 'alex', deviceName: 'SEP001122334455', lineNumber: '1000' };

  it('the lab reads the client’s requests: operation, credential, destination, device and line', () => {
    expect(readWebDialerRequest(wrap(makeCallBody('alex', 'p<w>&"d', '+1 408 555 0101', profile)))).toEqual({
      operation: 'makeCallSoap',
      userId: 'alex',
      password: 'p<w>&"d',
      destination: '+1 408 555 0101',
      deviceName: 'SEP001122334455',
      lineNumber: '1000',
    });
    expect(readWebDialerRequest(wrap(endCallBody('alex', 'pw', profile)))).toMatchObject({
      operation: 'endCallSoap',
      deviceName: 'SEP001122334455',
      lineNumber: '1000',
    });
    expect(readWebDialerRequest(wrap(getProfileBody('alex', 'pw')))).toMatchObject({ operation: 'getProfileSoap', userId: 'alex', password: 'pw' });
    expect(readWebDialerRequest(wrap('<urn:placeCall/>'))).toBeUndefined();
  });

  it('the client reads the lab’s answers: success with the device list, and each refusal in its own words', () => {
    const profileAnswer = readResult(
      parseXml(webDialerResponse('getProfileSoap', 0, deviceInfoList([{ name: 'SEP001122334455', lines: ['1000 ; pt-internal'] }]))),
      'getProfileSoap',
    );
    expect(text(find(find(profileAnswer, 'deviceInfoList'), 'deviceName'))).toBe('SEP001122334455');
    for (const code of [1, 2, 5, 7, 9])
      expect(() => readResult(parseXml(webDialerResponse('makeCallSoap', code)), 'makeCallSoap')).toThrow(WEBDIALER_CODES[code]);
  });
});
