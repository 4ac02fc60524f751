/**
 * A `DeskBackend` with a signed-in session and a contact list the test decides, whose presence
 * events the test sends itself: for renderer tests and the benchmark, where what matters is
 * the renderer, not the protocols (those have their own suites on the real lab).
 */
import type { Contact, ContactGroup, Presence, Snapshot } from '../../shared/domain';
import { INVOKE_CHANNELS, type DeskBackend, type EventChannel, type EventChannels, type InvokeHandlers } from '../../shared/ipc';
import { labExtraPeople } from '../../lab/directory';

export const FAKE_DOMAIN = 'scale.presence-desk.test';

/** `count` people from the lab's large directory as contact groups, numbers included. */
export function scaleGroups(count: number): ContactGroup[] {
  const groups: ContactGroup[] = [];
  for (const person of labExtraPeople(count)) {
    let group = groups.at(-1);
    if (group?.name !== person.group) groups.push((group = { name: person.group, index: groups.length + 1, contacts: [] }));
    const contact: Contact = {
      personaId: person.id,
      uri: `sip:${person.id}@${FAKE_DOMAIN}`,
      nickname: person.displayName,
      displayName: person.displayName,
      index: group.contacts.length + 1,
      displayOnPhone: false,
      numbers: person.numbers,
    };
    group.contacts.push(contact);
  }
  return groups;
}

export class FakeBackend implements DeskBackend {
  readonly handlers: InvokeHandlers;
  private readonly listeners = new Set<<E extends EventChannel>(event: E, payload: EventChannels[E]) => void>();

  constructor(
    readonly groups: ContactGroup[],
    readonly presence: Record<string, Presence> = {},
  ) {
    const refuse = (channel: string) => () => {
      throw Object.assign(new Error(`${channel} is not served by this test backend.`), { code: 'invalid-input' });
    };
    const handlers = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, refuse(c)])) as unknown as InvokeHandlers;
    handlers['app:info'] = () => ({ host: 'browser', version: 'test' });
    handlers['session:snapshot'] = () => this.snapshot();
    handlers['presence:idle'] = () => ({ availability: 'available', note: '' });
    handlers['im:history'] = () => [];
    handlers['im:page'] = () => ({ messages: [], more: false });
    handlers['recent:list'] = () => [];
    this.handlers = handlers;
  }

  snapshot(): Snapshot {
    return {
      session: { phase: 'signed-in', user: 'alex', uri: `sip:alex@${FAKE_DOMAIN}`, server: 'fake' },
      own: { availability: 'available', note: '' },
      groups: this.groups,
      presence: this.presence,
      conversations: {},
      signInDefaults: { server: 'fake', user: 'alex' },
      idleAwayMinutes: 0,
      phone: { link: 'not-configured', calls: [] },
    };
  }

  subscribe(listener: <E extends EventChannel>(event: E, payload: EventChannels[E]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventChannel>(event: E, payload: EventChannels[E]): void {
    if (event === 'presence:changed') for (const u of payload as EventChannels['presence:changed']) this.presence[u.uri] = u.presence;
    for (const l of this.listeners) l(event, payload);
  }
}

export function presence(availability: Presence['availability'], note = '', at = Date.now()): Presence {
  return { availability, note, updatedAt: at, devices: [] };
}
