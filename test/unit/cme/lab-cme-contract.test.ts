/**
 * The lab router's own codec against the CME documents (test/fixtures/cme/examples.txt names
 * them): it reads the documents' well-formed request examples and the client's requests alike,
 * and what it writes reads back through the client's readers into the same values. Two codecs
 * written apart from the same documents: a misreading on either side shows here.
 */
import { describe, expect, it } from 'vitest';
import { readIxiAnswer } from '../../../core/cme/ixi';
import * as read from '../../../core/cme/read';
import { requests } from '../../../core/cme/requests';
import { cmeResponse, readCmeRequest } from '../../../lab/cme/cme-codec';
import { cmeExample } from '../../support/cme-examples';

describe('the lab reads requests as the documents print them', () => {
  it.each([
    ['8.5', 'ISgetUtilityDirectory', 'Request', []],
    ['8.5', 'ISgetUserProfile', 'Request', [['ISUserProfileID', '1']]],
    ['8.5', 'ISgetSipExtension', 'Request', [['ISVoiceRegDNID', '1']]],
    ['2008', 'ISgetEvtCounts', 'Request', []],
    [
      '2008',
      'ISgetExtEvts',
      'Request',
      [
        ['ISExtEvtID', '170'],
        ['ISExtID', '80'],
        ['ISExtNumber', '2080'],
        ['ISExtNumber', 'all'],
      ],
    ],
    [
      '2008',
      'ISgetExtension',
      'SCCP-Request',
      [
        ['ISExtID', '1'],
        ['ISExtNumber', '2001'],
        ['ISExtNumber', 'allUp'],
      ],
    ],
    // The printed examples say xsi: without declaring it; a router reads them anyway, so the test
    // declares it (the lab is strict: well-formed XML only).
  ] as const)('%s %s', (doc, op, caption, params) => {
    const printed = cmeExample(doc, op, caption).replace('<request xsi:type=', '<request xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type=');
    expect(readCmeRequest(printed)).toEqual({ operation: op, params });
  });

  it('and the client\u2019s requests', () => {
    expect(readCmeRequest(requests.extensionEvents([6, 7]))).toEqual({
      operation: 'ISgetExtEvts',
      params: [
        ['ISExtEvtID', '6'],
        ['ISExtEvtID', '7'],
      ],
    });
    expect(readCmeRequest(requests.user('a&b'))).toEqual({ operation: 'ISgetUser', params: [['ISuserID', 'a&b']] });
    expect(readCmeRequest('<html><body>no</body></html>')).toBeUndefined();
  });
});

describe('what the lab writes, the client reads into the same values', () => {
  const back = (xml: string) => readIxiAnswer({ status: 200, body: Buffer.from(xml) }, 'ISgetExtension', 'lab:80');
  it('extensions with names that need escaping', () => {
    const xml = cmeResponse('ISgetExtension', {
      ISExtensions: {
        ISExtension: [
          {
            ISExtID: 9,
            ISExtNumber: '2009',
            ISExtStatus: 'up',
            ISExtCallStatus: 'CONNECTED',
            firstName: 'Zoë',
            lastName: 'R&D <Labs>',
            ISDevList: { ISDeviceID: 9 },
          },
        ],
      },
    });
    expect(read.readExtensions(back(xml))).toEqual([
      {
        id: '9',
        kind: 'sccp',
        number: '2009',
        up: true,
        callStatus: 'CONNECTED',
        activity: 'in-use',
        firstName: 'Zoë',
        lastName: 'R&D <Labs>',
        devices: ['9'],
      },
    ]);
  });

  it('event counters and empty elements', () => {
    expect(read.readEventCounts(back(cmeResponse('ISgetEvtCounts', { ISDevEvtCount: 0, ISExtEvtCount: 12 })))).toEqual({ device: 0, extension: 12 });
    expect(
      read.readUserProfiles(
        back(cmeResponse('ISgetUserProfile', { ISUserProfiles: { ISUserProfile: { ISUserProfileID: 1, ISUserID: 'a', SpeedDials: {}, UserNumbers: {} } } })),
      ),
    ).toEqual([{ id: '1', userId: 'a', speedDials: [], numbers: [] }]);
  });
});
