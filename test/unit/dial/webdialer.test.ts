import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickToDial, WebDialer, telUri } from '../../../core/dial';
import type { DialingRule } from '../../../core/dialing';
import { startLabWebDialer, type LabWebDialer } from '../../../lab/webdialer/server';
import { closedPort } from '../../support/wait';

let lab: LabWebDialer;
const profile = { user: 'alex', deviceName: 'SEP001122334455', lineNumber: '1000' };
const outside: DialingRule = {
  type: 1,
  name: 'Outside line',
  description: '',
  priority: 1,
  numberBeginsWith: '',
  numberOfDigits: 7,
  digitsToBeRemoved: 0,
  prefix: '9',
};

beforeAll(async () => {
  lab = await startLabWebDialer({ users: [{ id: 'alex', password: 'pw', devices: [{ name: 'SEP001122334455', lines: ['1000 ; Internal'] }] }] });
});
afterAll(() => lab.close());

const dialer = (password = 'pw') => new WebDialer({ server: lab.url, user: 'alex', password, timeoutMs: 2000 });

describe('WebDialer client ↔ lab simulator', () => {
  it('reads the user’s devices and lines', async () => {
    expect(await dialer().getProfile()).toEqual([{ deviceName: 'SEP001122334455', lines: ['1000 ; Internal'] }]);
  });

  it('places and ends a call on the desk phone', async () => {
    await dialer().makeCall('95550100', profile);
    expect(lab.calls.at(-1)).toMatchObject({ user: 'alex', deviceName: 'SEP001122334455', lineNumber: '1000', destination: '95550100' });
    await dialer().endCall(profile);
    expect(lab.calls.at(-1)?.ended).toBeTypeOf('number');
  });

  it('says why a call was not placed', async () => {
    await expect(dialer('wrong').makeCall('1234', profile)).rejects.toMatchObject({ code: 'auth', message: 'WebDialer refused the user name or password.' });
    await expect(dialer().makeCall('1234', { ...profile, deviceName: 'SEPNOPE' })).rejects.toMatchObject({
      message: 'No phone is configured for this user, or a parameter is missing.',
    });
    lab.failWith(6);
    await expect(dialer().makeCall('1234', profile)).rejects.toMatchObject({ message: 'WebDialer is temporarily unavailable.' });
  });

  it('names the host and port when WebDialer is down', async () => {
    const port = await closedPort();
    const down = new WebDialer({ server: `http://127.0.0.1:${port}`, user: 'alex', password: 'pw' });
    await expect(down.makeCall('1234', profile)).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining(`127.0.0.1:${port}`) });
  });
});

describe('ClickToDial', () => {
  it('applies the application rule before WebDialer dials', async () => {
    const before = lab.calls.length;
    const placed = await new ClickToDial(() => [outside], { makeCall: (d) => dialer().makeCall(d, profile) }).dial('555-0100');
    expect(placed.plan.explanation).toBe("will dial 95550100 (rule 'Outside line')");
    expect(lab.calls.slice(before).map((c) => c.destination)).toEqual(['95550100']);
  });

  it('records nothing as placed when WebDialer fails', async () => {
    const before = lab.calls.length;
    lab.failWith(6);
    await expect(new ClickToDial(() => [outside], { makeCall: (d) => dialer().makeCall(d, profile) }).dial('555-0100')).rejects.toThrow(
      'temporarily unavailable',
    );
    expect(lab.calls.length).toBe(before);
  });

  it('hands a tel: URI to the system when there is no WebDialer', async () => {
    const placed = await new ClickToDial(() => [outside], undefined).dial('555 0100');
    expect(placed).toMatchObject({ via: 'tel', uri: 'tel:95550100;phone-context=local' });
    expect(telUri({ ...placed.plan, dial: '+14085550100' })).toBe('tel:+14085550100');
  });

  it('refuses what is not a number before calling anything', async () => {
    await expect(
      new ClickToDial(() => [outside], {
        makeCall: async () => {
          throw new Error('must not be called');
        },
      }).dial('hello'),
    ).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
