/**
 * RisPort70 from the client (core/dial/risport.ts) to the lab RisPort served beside the lab
 * WebDialer (its own codec): registration, the status reason in words, StateInfo's NoChange for
 * an identical query, the throttling fault, credentials; and the check before a call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RisPort } from '../../core/dial/risport';
import { DeskPhone } from '../../core/dial/phone';
import { WebDialer } from '../../core/dial/webdialer';
import { DeskPhoneStatusWatch, sinceText } from '../../core/calls/desk-phone-status';
import { createLabRisPort, type LabRisPort } from '../../lab/risport/risport';
import { startLabWebDialer, type LabWebDialer } from '../../lab/webdialer/server';

const USERS = [{ id: 'alex', password: 'pw-alex', devices: [{ name: 'SEP00AA00BB0000', lines: ['1000 ; Internal'] }] }];

describe('RisPort70 against the lab', () => {
  let risport: LabRisPort;
  let server: LabWebDialer;
  const origin = () => server.url.replace(/\/webdialer\/.*$/, '');
  const client = (password = 'pw-alex') => new RisPort({ server: origin(), user: 'alex', password });

  beforeAll(async () => {
    risport = createLabRisPort({
      users: USERS,
      devices: [
        { name: 'SEP00AA00BB0000', owner: 'alex', lines: ['1000'], status: 'Registered', reason: 0, timeStamp: 1_764_662_400, ip: '10.0.0.10', model: 497 },
        { name: 'SEP00AA00BB0001', owner: 'maria', lines: ['1001'], status: 'Registered', reason: 0, timeStamp: 1_764_662_400, ip: '10.0.0.11', model: 684 },
      ],
      perMinute: 1000,
    });
    server = await startLabWebDialer({ users: USERS, risport });
  });
  afterAll(() => server.close());

  it('reads registration, address, model and time of a phone by name and by directory number', async () => {
    const byName = await client().selectCmDeviceExt({ selectBy: 'Name', items: ['SEP00AA00BB0000'] });
    expect(byName.devices).toEqual([
      { name: 'SEP00AA00BB0000', registered: true, status: 'Registered', ipAddress: '10.0.0.10', model: 'Cisco 6961', since: 1_764_662_400_000 },
    ]);
    expect(byName.stateInfo).toMatch(/^<StateInfo ClusterWide="1"><Node Name="cucm-lab"/);
    const byNumber = await client().selectCmDeviceExt({ selectBy: 'DirNumber', items: ['1001'] });
    expect(byNumber.devices.map((d) => [d.name, d.model])).toEqual([['SEP00AA00BB0001', 'Cisco 8851']]);
  });

  it('gives the status reason in words, and NoChange for an identical query until something changes', async () => {
    const query = { selectBy: 'Name' as const, items: ['SEP00AA00BB0000', 'SEP00AA00BB0001'] };
    const first = await client().selectCmDeviceExt(query);
    const same = await client().selectCmDeviceExt(query, first.stateInfo);
    expect(same).toMatchObject({ noChange: true, devices: [] });
    risport.setStatus('SEP00AA00BB0001', 'UnRegistered', 13, new Date('2026-12-02T10:42:00Z'));
    const changed = await client().selectCmDeviceExt(query, first.stateInfo);
    expect(changed.noChange).toBe(false);
    expect(changed.devices.find((d) => d.name === 'SEP00AA00BB0001')).toMatchObject({
      registered: false,
      status: 'UnRegistered',
      reasonCode: 13,
      reason: 'keep-alive timeout',
      since: Date.parse('2026-12-02T10:42:00Z'),
    });
    expect(changed.stateInfo).not.toBe(first.stateInfo);
    risport.setStatus('SEP00AA00BB0001', 'Registered', 0);
  });

  it("answers beyond the minute's allowance with the throttling fault, in RisPort's words", async () => {
    risport.perMinute = risport.requests.filter((r) => r.at > Date.now() - 60_000 && !r.refused).length + 1;
    await client().selectCmDeviceExt({ selectBy: 'Name', items: ['SEP00AA00BB0000'] });
    await expect(client().selectCmDeviceExt({ selectBy: 'Name', items: ['SEP00AA00BB0000'] })).rejects.toThrow(/Exceeded allowed rate for Reatime information/);
    risport.perMinute = 1000;
    await expect(client('wrong').selectCmDeviceExt({ selectBy: 'Name', items: ['SEP00AA00BB0000'] })).rejects.toThrow(/HTTP 401/);
  });

  it('refuses a call before anything is dialed when the phone calls are placed from is unregistered', async () => {
    const webDialer = new WebDialer({ server: server.url, user: 'alex', password: 'pw-alex' });
    const phone = new DeskPhone(webDialer, 'alex', () => undefined);
    const watch = new DeskPhoneStatusWatch(client(), phone, () => {}, { ownMaxAgeMs: 0 });
    try {
      await expect(watch.checkBeforeCall()).resolves.toBeUndefined();
      const at = new Date();
      at.setSeconds(0, 0);
      risport.setStatus('SEP00AA00BB0000', 'UnRegistered', 13, at);
      await expect(watch.checkBeforeCall()).rejects.toMatchObject({
        code: 'phone-unregistered',
        message: `Your desk phone SEP00AA00BB0000 is unregistered since ${sinceText(at.getTime())}: keep-alive timeout. Nothing was dialed.`,
      });
      expect((await watch.status()).devices).toEqual([expect.objectContaining({ name: 'SEP00AA00BB0000', registered: false, reason: 'keep-alive timeout' })]);
    } finally {
      watch.stop();
      risport.setStatus('SEP00AA00BB0000', 'Registered', 0);
    }
  });
});
