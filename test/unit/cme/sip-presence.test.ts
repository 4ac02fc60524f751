/**
 * CME's SIP presence decisions: where the router's SIP presence is served (from the presence
 * and voice register globals) and what a contact shows when both SIP presence and line state speak.
 */
import { describe, expect, it } from 'vitest';
import { cmeSipTarget, mergedPresence } from '../../../core/cme/sip-presence';
import type { CmeSiteConfig } from '../../../core/cme/types';
import type { Availability, Presence } from '../../../shared/domain';

const site = (enabled: boolean | undefined, address = '10.1.1.1', port?: number): CmeSiteConfig => ({
  ...(enabled === undefined ? {} : { presence: { enabled, mode: 'cme', allowSubscribe: true, allowWatch: true, maxSubscriptions: 100, sipUaPresence: true } }),
  sip: { address, mode: 'cme', version: '8.6', authModes: ['register'], ...(port ? { port } : {}) },
  sessionServers: [],
  problems: [],
});

const p = (availability: Availability, note = ''): Presence => ({ availability, note, updatedAt: 1, devices: [{ id: availability, availability, note }] });

describe('where CME serves SIP presence', () => {
  it('the registrar of ISgetVoiceRegGlobal, over TCP unless the user chose a transport', () => {
    expect(cmeSipTarget(site(true, '10.1.1.1', 5070))).toEqual({ server: { host: '10.1.1.1', port: 5070, transport: 'tcp' }, domain: '10.1.1.1' });
    expect(cmeSipTarget(site(true), 'tls')).toEqual({ server: { host: '10.1.1.1', port: 5061, transport: 'tls' }, domain: '10.1.1.1' });
  });

  it('none, in words, when the presence engine is off or unknown or no registrar is named', () => {
    expect(cmeSipTarget(site(false))).toBe('the router\u2019s presence engine is off');
    expect(cmeSipTarget(site(undefined))).toMatch(/did not say/);
    expect(cmeSipTarget(site(true, ' '))).toMatch(/names no SIP registrar/);
  });
});

describe('SIP presence and line state together', () => {
  it('SIP presence wins where there is one; offline or unknown over SIP leaves the line in charge', () => {
    expect(mergedPresence(p('available'), p('busy', 'Meeting'))?.availability).toBe('busy');
    expect(mergedPresence(p('on-the-phone'), p('offline'))?.availability).toBe('on-the-phone');
    expect(mergedPresence(p('offline'), p('unknown'))?.availability).toBe('offline');
    expect(mergedPresence(undefined, p('dnd'))?.availability).toBe('dnd');
    expect(mergedPresence(p('available'), undefined)?.availability).toBe('available');
  });

  it('a call on the line shows On the phone over available or away, never over busy or do not disturb', () => {
    expect(mergedPresence(p('on-the-phone'), p('available'))?.availability).toBe('on-the-phone');
    expect(mergedPresence(p('on-the-phone'), p('away', 'Lunch'))).toMatchObject({ availability: 'on-the-phone', note: 'Lunch' });
    expect(mergedPresence(p('on-the-phone'), p('busy'))?.availability).toBe('busy');
    expect(mergedPresence(p('on-the-phone'), p('dnd'))?.availability).toBe('dnd');
  });
});
