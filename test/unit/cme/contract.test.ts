/**
 * Contract tests of the CME XML API client against the two CME documents' own examples
 * (test/fixtures/cme/examples.txt names its source): each request the app sends names the
 * parameters the documents' request example names, and each answer the documents print reads
 * into the values printed there, in both generations' shapes (2008 guide, 8.5 chapter).
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import * as read from '../../../core/cme/read';
import { readIxiAnswer } from '../../../core/cme/ixi';
import { requests, type CmeOperation } from '../../../core/cme/requests';
import { cmeExample, requestParams } from '../../support/cme-examples';

const answer = (xml: string, operation: CmeOperation) => readIxiAnswer({ status: 200, body: Buffer.from(xml) }, operation, 'router:80');

/** The parameter names our request carries, read back by a plain XML reader (not the client's). */
function sentParams(xml: string, operation: string): string[] {
  const names: string[] = [];
  const tree = new XMLParser({ preserveOrder: true, removeNSPrefix: true }).parse(xml) as unknown[];
  const walk = (nodes: unknown[], inside: boolean) => {
    for (const node of nodes as Record<string, unknown[]>[]) {
      for (const [name, kids] of Object.entries(node)) {
        if (name === ':@' || name === '#text') continue;
        if (inside) names.push(name);
        else walk(kids, name === operation);
      }
    }
  };
  walk(tree, false);
  return names;
}

function expectEnvelope(xml: string, operation: string) {
  const tree = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@' }).parse(xml) as {
    Envelope: { Body: { axl: { request: Record<string, unknown> } } };
  };
  const request = tree.Envelope.Body.axl.request;
  expect(request['@type']).toBe(operation);
  expect(request).toHaveProperty(operation);
}

describe('requests name what the documents name', () => {
  const cases: Array<[CmeOperation, string, string, string[]]> = [
    ['ISgetGlobal', requests.global(), cmeExample('8.5', 'ISgetGlobal', 'Request'), []],
    ['ISgetPresenceGlobal', requests.presenceGlobal(), cmeExample('2008', 'ISgetPresenceGlobal', 'Request'), []],
    ['ISgetVoiceRegGlobal', requests.voiceRegGlobal(), cmeExample('8.5', 'ISgetVoiceRegGlobal', 'Request'), []],
    ['ISgetSessionServer', requests.sessionServers({ ids: ['1'] }), cmeExample('8.5', 'ISgetSessionServer', 'Request'), ['ISSessionServerID']],
    ['ISgetUtilityDirectory', requests.utilityDirectory(), cmeExample('8.5', 'ISgetUtilityDirectory', 'Request'), []],
    ['ISgetUser', requests.user('peter'), cmeExample('2008', 'ISgetUser', 'Request'), ['ISuserID']],
    ['ISgetUserProfile', requests.userProfile({ profileIds: ['1'] }), cmeExample('8.5', 'ISgetUserProfile', 'Request'), ['ISUserProfileID']],
    [
      'ISgetExtension',
      requests.extension({ ids: ['1'], numbers: ['2001', 'allUp'] }),
      cmeExample('2008', 'ISgetExtension', 'SCCP-Request'),
      ['ISExtID', 'ISExtNumber', 'ISExtNumber'],
    ],
    ['ISgetSipExtension', requests.sipExtension({ ids: ['1'] }), cmeExample('8.5', 'ISgetSipExtension', 'Request'), ['ISVoiceRegDNID']],
    [
      'ISgetDevice',
      requests.device({ ids: ['1'], names: ['SEP0012DA8AC43D', 'allKeyphone'] }),
      cmeExample('2008', 'ISgetDevice', 'SCCP-Request'),
      ['ISDevID', 'ISDevName', 'ISDevName'],
    ],
    ['ISgetSipDevice', requests.sipDevice({ ids: ['1'] }), cmeExample('8.5', 'ISgetSipDevice', 'Request'), ['ISPoolID']],
    ['ISgetEvtCounts', requests.eventCounts(), cmeExample('2008', 'ISgetEvtCounts', 'Request'), []],
    ['ISgetExtEvts', requests.extensionEvents([170]), cmeExample('2008', 'ISgetExtEvts', 'Request'), ['ISExtEvtID']],
    ['ISgetDevEvts', requests.deviceEvents([11]), cmeExample('2008', 'ISgetDevEvts', 'Request'), ['ISDevEvtID']],
  ];
  it.each(cases)('%s', (operation, xml, printed, expected) => {
    expectEnvelope(xml, operation);
    const sent = sentParams(xml, operation);
    expect(sent).toEqual(expected);
    // Every name we send is one the document's request example uses for this request.
    const documented = requestParams(printed, operation);
    for (const name of sent) expect(documented).toContain(name);
  });

  it('the envelope is the one both documents print around ISexecCLI (SOAP-ENV:Envelope, Body, axl, request)', () => {
    const printed = cmeExample('2008', 'ISexecCLI', 'Request');
    for (const tag of ['<SOAP-ENV:Envelope', '<SOAP-ENV:Body>', '<axl>', '<request xsi:type=']) {
      expect(printed).toContain(tag);
      expect(requests.global()).toContain(tag);
    }
  });

  it('escapes what a user typed', () => {
    expect(requests.user('a<b&c')).toContain('<ISuserID>a&lt;b&amp;c</ISuserID>');
  });
});

describe('answers read as the documents print them', () => {
  it('ISgetGlobal (2008 and 8.5)', () => {
    expect(read.readGlobal(answer(cmeExample('2008', 'ISgetGlobal', 'Response'), 'ISgetGlobal'))).toMatchObject({
      address: '10.10.10.1',
      mode: 'ITS',
      version: '3.1',
      name: "router's host name",
      devicesRegistered: 3,
      configuredExtensions: 100,
      maxDevices: 10,
      maxExtensions: 20,
      voiceMail: '4089999999',
    });
    expect(read.readGlobal(answer(cmeExample('8.5', 'ISgetGlobal', 'Response'), 'ISgetGlobal'))).toMatchObject({
      address: '10.4.188.90',
      version: '7.2',
      name: 'ngm-2800',
      configuredDevices: 32,
      configuredExtensions: 74,
      voiceMail: '6050',
    });
  });

  it('ISgetPresenceGlobal (2008 off, 8.5 on, with the printed ">false")', () => {
    expect(read.readPresenceGlobal(answer(cmeExample('2008', 'ISgetPresenceGlobal', 'Response'), 'ISgetPresenceGlobal'))).toEqual({
      enabled: false,
      mode: 'cme',
      allowSubscribe: false,
      allowWatch: false,
      maxSubscriptions: 100,
      sipUaPresence: false,
    });
    expect(read.readPresenceGlobal(answer(cmeExample('8.5', 'ISgetPresenceGlobal', 'Response'), 'ISgetPresenceGlobal'))).toEqual({
      enabled: true,
      mode: 'cme',
      allowSubscribe: true,
      allowWatch: true,
      maxSubscriptions: 100,
      sipUaPresence: false,
    });
  });

  it('ISgetVoiceRegGlobal (one ISAuthMode in 2008, ISAuthModes in 8.5)', () => {
    expect(read.readSipGlobal(answer(cmeExample('2008', 'ISgetVoiceRegGlobal', 'Response'), 'ISgetVoiceRegGlobal'))).toEqual({
      address: '1.7.120.103',
      mode: 'cme',
      version: '4.0(0)',
      authModes: ['all'],
      port: 5060,
      maxPools: 10,
      maxExtensions: 10,
    });
    expect(read.readSipGlobal(answer(cmeExample('8.5', 'ISgetVoiceRegGlobal', 'Response'), 'ISgetVoiceRegGlobal')).authModes).toEqual([
      'ood_refer',
      'presence',
    ]);
  });

  it('ISgetSessionServer (8.5; the 2008 example is printed without its closing </response> and is refused as cut off)', () => {
    expect(read.readSessionServers(answer(cmeExample('8.5', 'ISgetSessionServer', 'Response'), 'ISgetSessionServer'))).toEqual([
      { id: '1', registerId: 'SS1', keepAliveSeconds: 60 },
    ]);
    const printed2008 = cmeExample('2008', 'ISgetSessionServer', 'Response');
    expect(() => answer(printed2008, 'ISgetSessionServer')).toThrow(/cut off/);
    expect(read.readSessionServers(answer(`${printed2008}\n</response>`, 'ISgetSessionServer'))).toEqual([
      { id: '1', registerId: 'CRS', keepAliveSeconds: 60 },
    ]);
  });

  it('ISgetUtilityDirectory', () => {
    expect(read.readUtilityDirectory(answer(cmeExample('8.5', 'ISgetUtilityDirectory', 'Response'), 'ISgetUtilityDirectory'))).toEqual([
      { tag: '1', number: '12345', firstName: 'first', lastName: 'last' },
      { tag: '2', number: '67890', firstName: 'first2', lastName: 'last 2' },
    ]);
  });

  it('ISgetUser (2008 ephone user, 8.5 user-profile user)', () => {
    expect(read.readUser(answer(cmeExample('2008', 'ISgetUser', 'Response'), 'ISgetUser'))).toEqual({ id: 'peter', type: 1, tag: 6 });
    expect(read.readUser(answer(cmeExample('8.5', 'ISgetUser', 'Response'), 'ISgetUser'))).toEqual({ id: 'a', type: 3, tag: 1 });
  });

  it('ISgetUserProfile: speed dials (empty labels kept empty) and the user numbers', () => {
    const [profile] = read.readUserProfiles(answer(cmeExample('8.5', 'ISgetUserProfile', 'Response'), 'ISgetUserProfile'));
    expect(profile).toEqual({
      id: '1',
      userId: 'a',
      speedDials: [
        { index: 1, number: '901', label: '', blf: false },
        { index: 2, number: '902', label: '', blf: false },
        { index: 3, number: '2002', label: '2002Label', blf: false },
        { index: 5, number: '2004', label: '2004', blf: true },
      ],
      numbers: ['2003', '201', '202'],
    });
  });

  it('ISgetExtension (SCCP 2008 and 8.5): number, status, call status, names, phones', () => {
    const [old] = read.readExtensions(answer(cmeExample('2008', 'ISgetExtension', 'SCCP-Response'), 'ISgetExtension'));
    expect(old).toEqual({
      id: '1',
      kind: 'sccp',
      number: '2001',
      up: true,
      callStatus: 'IDLE',
      activity: 'idle',
      firstName: 'Peter',
      lastName: 'Lee',
      allowWatch: true,
      callForwardAll: '1234',
      devices: ['2', '4'],
    });
    const [now] = read.readExtensions(answer(cmeExample('8.5', 'ISgetExtension', 'Response'), 'ISgetExtension'));
    expect(now).toMatchObject({
      id: '1',
      number: '6001',
      up: true,
      activity: 'idle',
      firstName: '',
      lastName: 'ephoneDnOne',
      allowWatch: true,
      devices: ['8'],
    });
  });

  it('ISgetSipExtension (8.5) and the 2008 SIP form of ISgetExtension', () => {
    expect(read.readSipExtensions(answer(cmeExample('8.5', 'ISgetSipExtension', 'Response'), 'ISgetSipExtension'))).toEqual([
      { id: '1', kind: 'sip', number: '901', callStatus: '', activity: 'unknown', firstName: 'Henry', lastName: 'Mann', allowWatch: true, devices: ['1', '2'] },
    ]);
    const [old] = read.readSipExtensions(answer(cmeExample('2008', 'ISgetExtension', 'SIP-Response'), 'ISgetExtension'));
    expect(old).toMatchObject({ id: '1', number: '2777', firstName: 'Peter', lastName: 'Lee', devices: ['7'] });
  });

  it('ISgetDevice (SCCP 2008 and 8.5): registration, DND, lines and their state', () => {
    const [old] = read.readDevices(answer(cmeExample('2008', 'ISgetDevice', 'SCCP-Response'), 'ISgetDevice'));
    expect(old).toEqual({
      id: '1',
      kind: 'sccp',
      name: 'SEP00036B09538A',
      type: 'IP Phone Telecaster 7960',
      userName: 'ephone1',
      address: '10.10.10.2',
      status: 'registered',
      registered: true,
      dnd: false,
      lines: [{ lineId: '1', extensionId: '1', number: '2001', state: 'idle', activity: 'idle' }],
    });
    const [now] = read.readDevices(answer(cmeExample('8.5', 'ISgetDevice', 'Response'), 'ISgetDevice'));
    expect(now).toMatchObject({ id: '1', name: 'SEP0016C7C7AF9D', type: '7911', userName: 'test', status: 'unregistered', registered: false, dnd: false });
    expect(now?.lines).toEqual([{ lineId: '1', extensionId: '176', number: '6176', state: 'idle', activity: 'idle' }]);
  });

  it('ISgetSipDevice (8.5) and the 2008 SIP form of ISgetDevice', () => {
    const [sip] = read.readSipDevices(answer(cmeExample('8.5', 'ISgetSipDevice', 'Response'), 'ISgetSipDevice'));
    expect(sip).toMatchObject({ id: '1', kind: 'sip', name: '0013.1978.3CA5', status: '' });
    expect(sip?.lines.map((l) => [l.number, l.activity])).toEqual([
      ['901', 'idle'],
      ['902', 'idle'],
    ]);
    const [old] = read.readSipDevices(answer(cmeExample('2008', 'ISgetDevice', 'SIP-Response'), 'ISgetDevice'));
    expect(old).toMatchObject({ id: '1', name: 'SEPFFFFFFFFFFFFFFF', address: '1.7.120.120' });
    expect(old?.lines[0]).toMatchObject({ number: '2777', activity: 'idle' });
  });

  it('ISgetEvtCounts, ISgetDevEvts, ISgetExtEvts', () => {
    expect(read.readEventCounts(answer(cmeExample('2008', 'ISgetEvtCounts', 'Response'), 'ISgetEvtCounts'))).toEqual({ device: 12, extension: 288 });
    expect(read.readDeviceEvents(answer(cmeExample('2008', 'ISgetDevEvts', 'Response'), 'ISgetDevEvts'))).toEqual([
      { deviceId: '1', deviceName: 'SEP000DEDAB3566', time: 1504, type: 'Device', status: 'unregistered' },
      { deviceId: '1', deviceName: 'SEP000DEDAB3566', time: 5837, type: 'Device', status: 'registered' },
    ]);
    expect(read.readExtensionEvents(answer(cmeExample('2008', 'ISgetExtEvts', 'Response'), 'ISgetExtEvts'))).toEqual([
      { extensionId: '80', number: '2080', time: 90355, change: 'Down' },
    ]);
  });

  it('an answer without its counters is not taken for zero events', () => {
    expect(read.readEventCounts(answer('<response xsi:type="ISgetEvtCountsResponse"></response>', 'ISgetEvtCounts'))).toBeUndefined();
  });

  it('line activity: idle, ringing and any call state', () => {
    expect(['IDLE', 'idle', 'RINGING', 'ALERTING', 'CONNECTED', 'INUSE', 'in-use', 'HOLD', '', 'DOWN'].map(read.lineActivity)).toEqual([
      'idle',
      'idle',
      'ringing',
      'ringing',
      'in-use',
      'in-use',
      'in-use',
      'in-use',
      'unknown',
      'unknown',
    ]);
  });
});
