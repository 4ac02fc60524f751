/** Choosing the phone and line calls are placed from, and tel:/sip: open requests. */
import { describe, expect, it } from 'vitest';
import { DeskPhone, lineNumberOf } from '../../../core/dial';
import { DeskError } from '../../../core/errors';
import { parseOpenRequest } from '../../../host/open-request';

const devices = [
  { deviceName: 'SEP001', lines: ['1000 ; Internal'] },
  { deviceName: 'CSF', lines: ['1000 ; Internal', '1099 ; Shared'] },
];

describe('phone choice', () => {
  it('uses the saved device and line when WebDialer still lists them', () => {
    expect(DeskPhone.choose(devices, { deviceName: 'CSF', lineNumber: '1099' })).toEqual({ deviceName: 'CSF', lineNumber: '1099' });
  });
  it('falls back to the device’s first line, or the first device, when the saved one is gone', () => {
    expect(DeskPhone.choose(devices, { deviceName: 'CSF', lineNumber: '2000' })).toEqual({ deviceName: 'CSF', lineNumber: '1000' });
    expect(DeskPhone.choose(devices, { deviceName: 'OLD', lineNumber: '1099' })).toEqual({ deviceName: 'SEP001', lineNumber: '1000' });
    expect(DeskPhone.choose(devices, undefined)).toEqual({ deviceName: 'SEP001', lineNumber: '1000' });
    expect(DeskPhone.choose([], undefined)).toBeUndefined();
  });
  it('reads the line number before the description', () => {
    expect(lineNumberOf('1099 ; Shared')).toBe('1099');
    expect(lineNumberOf('2000')).toBe('2000');
  });
  it('hangs up on the device and line the last call used', async () => {
    const ended: unknown[] = [];
    let saved = { deviceName: 'CSF', lineNumber: '1099' };
    const phone = new DeskPhone(
      { getProfile: async () => devices, makeCall: async () => undefined, endCall: async (p) => void ended.push(p) },
      'alex',
      () => saved,
    );
    await phone.makeCall('1234');
    saved = { deviceName: 'SEP001', lineNumber: '1000' }; // changed in Settings meanwhile
    await phone.endCall();
    expect(ended).toEqual([{ user: 'alex', deviceName: 'CSF', lineNumber: '1099' }]);
  });
  it('reports an unreadable profile in the choice instead of throwing', async () => {
    const phone = new DeskPhone(
      {
        getProfile: async () => Promise.reject(new DeskError('soap-fault', 'WebDialer is temporarily unavailable.')),
        makeCall: async () => undefined,
        endCall: async () => undefined,
      },
      'alex',
      () => undefined,
    );
    await expect(phone.choice()).resolves.toEqual({ devices: [], error: 'WebDialer is temporarily unavailable.' });
  });
});

describe('open requests from the command line', () => {
  it('turns tel: and callto: into calls, keeping an extension and dropping other parameters', () => {
    expect(parseOpenRequest('tel:+14085550101')).toEqual({ kind: 'call', number: '+14085550101' });
    expect(parseOpenRequest('tel:+1-408-555-0101;phone-context=example.com')).toEqual({ kind: 'call', number: '+1-408-555-0101' });
    expect(parseOpenRequest('tel:5550101;ext=22')).toEqual({ kind: 'call', number: '5550101;ext=22' });
    expect(parseOpenRequest('callto://%2B44%2020%207946%200103')).toEqual({ kind: 'call', number: '+44 20 7946 0103' });
  });
  it('turns sip: and im: addresses into chats', () => {
    expect(parseOpenRequest('sip:maria@example.com;transport=tcp')).toEqual({ kind: 'chat', uri: 'sip:maria@example.com' });
    expect(parseOpenRequest('im:maria@example.com')).toEqual({ kind: 'chat', uri: 'sip:maria@example.com' });
  });
  it('refuses what it cannot open, with a reason', () => {
    expect(parseOpenRequest('tel:call-me')).toEqual({ error: '"tel:call-me" has no phone number.' });
    expect(parseOpenRequest('tel:%E0%A4%A')).toMatchObject({ error: expect.stringContaining('bad %-escape') });
    expect(parseOpenRequest('javascript:alert(1)')).toMatchObject({ error: expect.stringContaining('not "javascript:alert(1)"') });
    expect(parseOpenRequest('sip:nobody')).toMatchObject({ error: expect.stringContaining('user@domain') });
    expect(parseOpenRequest('')).toMatchObject({ error: expect.any(String) });
  });
});
