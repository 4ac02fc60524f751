/**
 * Do not disturb tied both ways (Settings → Phone): the app's DND sets the phone's, the phone's
 * sets the app's and clearing it brings back the earlier status, and neither side chases the
 * other; with the option off, or a gateway that does not offer SetDoNotDisturb, nothing moves.
 */
import { describe, expect, it } from 'vitest';
import { PhoneDnd } from '../../../core/calls/phone-dnd';
import type { OwnStatus, PhoneState } from '../../../shared/domain';

function harness(options: { enabled?: boolean; services?: PhoneState['services'] } = {}) {
  let own: OwnStatus = { availability: 'away', note: 'lunch' };
  const phoneSets: boolean[] = [];
  const ownSets: OwnStatus[] = [];
  const dnd: PhoneDnd = new PhoneDnd({
    enabled: () => options.enabled ?? true,
    own: () => own,
    setOwn: async (status) => {
      ownSets.push(status);
      own = status;
      dnd.ownChanged(status); // as the session's presence:own event does
    },
    setPhone: async (on) => void phoneSets.push(on),
    log: () => {},
  });
  const phone = (phoneDnd: boolean): PhoneState => ({ link: 'monitoring', calls: [], phoneDnd, ...(options.services ? { services: options.services } : {}) });
  return { dnd, phone, phoneSets, ownSets, own: () => own };
}

describe('phone DND tied to the app', () => {
  it('follows the phone both ways and goes back to the status chosen before', async () => {
    const h = harness();
    h.dnd.phoneChanged(h.phone(false));
    h.dnd.phoneChanged(h.phone(true));
    await Promise.resolve();
    expect(h.own()).toEqual({ availability: 'dnd', note: 'lunch' });
    expect(h.phoneSets).toEqual([]); // the phone is already on: not asked again
    h.dnd.phoneChanged(h.phone(false));
    await Promise.resolve();
    expect(h.own()).toEqual({ availability: 'away', note: 'lunch' });
    expect(h.ownSets).toHaveLength(2);
  });

  it("sets the phone from the app's status, only when it differs", () => {
    const h = harness();
    h.dnd.phoneChanged(h.phone(false));
    h.dnd.ownChanged({ availability: 'busy', note: '' });
    h.dnd.ownChanged({ availability: 'dnd', note: '' });
    h.dnd.phoneChanged(h.phone(true));
    h.dnd.ownChanged({ availability: 'dnd', note: 'still' });
    h.dnd.ownChanged({ availability: 'available', note: '' });
    expect(h.phoneSets).toEqual([true, false]);
  });

  it('asks the phone once while its answer is on the way, and again after a failure', async () => {
    const h = harness();
    h.dnd.phoneChanged(h.phone(true));
    h.dnd.ownChanged({ availability: 'available', note: '' });
    // The phone has not reported DND off yet: Away right after must not ask again.
    h.dnd.ownChanged({ availability: 'away', note: '' });
    expect(h.phoneSets).toEqual([false]);
    h.dnd.phoneChanged(h.phone(false));
    h.dnd.ownChanged({ availability: 'available', note: '' });
    expect(h.phoneSets).toEqual([false]);

    let fail = true;
    const failing = new PhoneDnd({
      enabled: () => true,
      own: () => ({ availability: 'available', note: '' }),
      setOwn: async () => {},
      setPhone: async (on) => {
        h.phoneSets.push(on);
        if (fail) throw new Error('refused');
      },
      log: () => {},
    });
    failing.phoneChanged(h.phone(false));
    failing.ownChanged({ availability: 'dnd', note: '' });
    await new Promise((resolve) => setImmediate(resolve));
    fail = false;
    failing.ownChanged({ availability: 'dnd', note: 'again' });
    expect(h.phoneSets).toEqual([false, true, true]);
  });

  it('does nothing when the option is off or the gateway does not offer SetDoNotDisturb', () => {
    for (const h of [harness({ enabled: false }), harness({ services: ['makeCall', 'getDoNotDisturb'] })]) {
      h.dnd.phoneChanged(h.phone(false));
      h.dnd.ownChanged({ availability: 'dnd', note: '' });
      expect(h.phoneSets).toEqual([]);
    }
    const off = harness({ enabled: false });
    off.dnd.phoneChanged(off.phone(false));
    off.dnd.phoneChanged(off.phone(true));
    expect(off.ownSets).toEqual([]);
  });
});
