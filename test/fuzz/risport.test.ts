/**
 * Fuzz: what a RisPort70 server answers. Mutated selectCmDeviceResponse envelopes (the lab's
 * encoder, changed, truncated, spliced) are read or refused in words through the same SOAP
 * reader the app uses; a device read is always well-formed (a name, a status, a boolean).
 */
import { describe, expect, it } from 'vitest';
import { readSoapResponse } from '../../core/cups/soap';
import { CupsError } from '../../core/cups/types';
import { readSelectCmDevice } from '../../core/dial/risport';
import { createLabRisPort } from '../../lab/risport/risport';
import { mutate, seededRandom } from '../support/mutate';

function corpus(): string[] {
  const risport = createLabRisPort({
    users: [{ id: 'u', password: 'p' }],
    devices: [
      { name: 'SEP00AA00BB0000', owner: 'u', lines: ['1000'], status: 'Registered', reason: 0, timeStamp: 1_764_662_400, ip: '10.0.0.10', model: 497 },
      {
        name: 'SEP00AA00BB0001',
        owner: 'u',
        lines: ['1001', '1002'],
        status: 'UnRegistered',
        reason: 13,
        timeStamp: 1_764_662_460,
        ip: '10.0.0.11',
        model: 684,
      },
    ],
    perMinute: 1_000_000,
  });
  const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;
  const request = (items: string[]) =>
    `<?xml version="1.0"?><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:s="http://schemas.cisco.com/ast/soap"><e:Body><s:selectCmDeviceExt>` +
    `<s:StateInfo/><s:CmSelectionCriteria><s:SelectBy>Name</s:SelectBy><s:SelectItems>${items.map((i) => `<s:item><s:Item>${i}</s:Item></s:item>`).join('')}` +
    `</s:SelectItems></s:CmSelectionCriteria></s:selectCmDeviceExt></e:Body></e:Envelope>`;
  return [request(['SEP00AA00BB0000', 'SEP00AA00BB0001']), request(['SEP00AA00BB0001']), request(['SEPNONE'])].map((r) => risport.handle(r, auth).xml);
}

describe('RisPort70 answers, mutated', () => {
  it('2,000 mutated answers: read into well-formed devices or refused with a CupsError in words', () => {
    const answers = corpus();
    expect(readSelectCmDevice(readSoapResponse({ status: 200, body: Buffer.from(answers[0]!) }, 'selectCmDevice', 'cucm:8443')).devices).toHaveLength(2);
    const random = seededRandom(0x715);
    let read = 0;
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const input = mutate(answers[i % answers.length]!, random);
      let answer;
      try {
        answer = readSelectCmDevice(readSoapResponse({ status: 200, body: Buffer.from(input) }, 'selectCmDevice', 'cucm:8443'));
        read += 1;
      } catch (error) {
        expect(error).toBeInstanceOf(CupsError);
        expect((error as Error).message.length).toBeGreaterThan(10);
        refused += 1;
        continue;
      }
      for (const d of answer.devices) {
        expect(d.name).not.toBe('');
        expect(typeof d.registered).toBe('boolean');
        expect(typeof d.status).toBe('string');
        if (d.since !== undefined) expect(Number.isFinite(d.since)).toBe(true);
      }
    }
    expect(read).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(50);
  });
});
