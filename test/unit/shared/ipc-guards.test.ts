/**
 * Arguments checked at the boundary: every invoke channel has a guard beside its type, both
 * hosts run it before a service sees the arguments, and a refusal names the channel and the
 * argument in words.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type DeskBackend, type InvokeArgs, type InvokeChannel, type InvokeHandlers } from '../../../shared/ipc';
import { INVOKE_ARGUMENTS, InvalidArgumentsError, checkInvokeArgs } from '../../../shared/ipc-guards';
import { dispatchInvoke } from '../../../host/bridge';
import { toAppError } from '../../../core/errors';
import { DeskSession } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';

/** One good call of every channel (the type makes the table complete). */
const VALID: { [C in InvokeChannel]: InvokeArgs<C> } = {
  'app:info': [],
  'session:snapshot': [],
  'session:sign-in': [{ server: 'https://cups.example.com', user: 'alex', password: 'pw', force: true }],
  'session:sign-out': [],
  'presence:set-own': [{ availability: 'busy', note: 'In a meeting' }],
  'presence:idle': [true],
  'im:send': ['sip:maria@lab.example', 'hello'],
  'im:retry': ['m-1'],
  'im:composing': ['sip:maria@lab.example', true],
  'im:history': ['sip:maria@lab.example'],
  'im:page': ['sip:maria@lab.example', { before: 'in:abc', limit: 50 }],
  'dial:preview': ['0101'],
  'dial:call': ['0101'],
  'recent:list': [],
  'contacts:add-group': ['Team'],
  'contacts:rename-group': ['Team', 'Crew'],
  'contacts:delete-group': ['Team'],
  'contacts:add': ['Team', 'maria', 'Maria'],
  'contacts:rename': ['Team', 'sip:maria@lab.example', 'Mary'],
  'contacts:move': ['Team', 'sip:maria@lab.example', 'Crew'],
  'contacts:remove': ['Team', 'sip:maria@lab.example'],
  'diagnostics:list': [{ protocol: 'sip', limit: 10 }],
  'diagnostics:get': [3],
  'diagnostics:export': [{ text: 'REGISTER' }],
  'diagnostics:follow': [true],
  'im:search': ['lunch'],
  'im:export': ['sip:maria@lab.example', 'json'],
  'desktop:prefs': [],
  'desktop:set-prefs': [{ imSound: true }],
  'window:open-conversation': ['sip:maria@lab.example'],
  'tls:trust': ['cups.example.com:8443', 'AB:CD'],
  'longterm:get': [],
  'longterm:set': [{ note: 'On vacation', until: '2026-12-24' }],
  'longterm:clear': [],
  'privacy:get': [],
  'privacy:set-rule': [
    {
      name: 'Colleagues',
      visibility: 'all',
      excludedSources: ['cupc'],
      conditions: { sources: ['cupc'], when: [{ reachabilityStatus: 'away', statuses: [{ source: 'cupc', status: 'away' }], index: 0 }] },
    },
  ],
  'privacy:delete-rule': ['Colleagues'],
  'privacy:add-watcher': ['Colleagues', 'maria'],
  'privacy:remove-watcher': ['Colleagues', 'maria'],
  'calendar:get': [],
  'calendar:set': [false],
  'preferences:get': [],
  'preferences:set': [{ name: 'theme', value: 'dark', isPublic: false }],
  'connection:get': [],
  'connection:set': [{ soapTimeoutSeconds: 20 }],
  'tls:forget': ['cups.example.com:8443'],
  'directory:search': ['Mar'],
  'directory:status': [],
  'dial:hang-up': ['call-1'],
  'phone:control': ['hold', 'call-1'],
  'phone:request': [{ service: 'singleStepTransferCall', callId: 'call-1', to: '1001' }],
  'phone:options': [{ callVia: 'webdialer' }],
  'phone:devices-status': [],
  'dial:devices': [],
  'dial:set-device': ['SEP001122334455', '1001'],
  'dial:rules': [],
  'dial:preview-directory': ['0101'],
  'presence:recent-notes': [],
  'connection:sip': [],
  'connection:set-sip': [{ sipTransport: 'tcp' }],
  'watchers:get': [],
  'watchers:decide': ['sip:bob@example.com', 'allow'],
  'config:state': [],
  'config:resync': [],
  'account:site': [],
};

/** A backend that records what reaches its services. */
function recordingBackend(): { backend: DeskBackend; seen: Array<[InvokeChannel, unknown[]]> } {
  const seen: Array<[InvokeChannel, unknown[]]> = [];
  const handlers = Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, (...args: unknown[]) => (seen.push([c, args]), 'ok')])) as unknown as InvokeHandlers;
  return { backend: { handlers, subscribe: () => () => {} }, seen };
}

/** A value of the wrong type for the argument `good`. */
const wrong = (good: unknown): unknown => (typeof good === 'string' ? 42 : typeof good === 'object' ? 'text' : { not: 'this' });

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return toAppError(error);
  }
  throw new Error('expected a refusal');
}

describe('IPC argument guards', () => {
  it('has a guard for every channel, and each accepts the channel’s good arguments unchanged', async () => {
    expect(Object.keys(INVOKE_ARGUMENTS).sort()).toEqual([...INVOKE_CHANNELS].sort());
    const { backend, seen } = recordingBackend();
    for (const channel of INVOKE_CHANNELS) await dispatchInvoke(backend, channel, VALID[channel]);
    expect(seen).toEqual(INVOKE_CHANNELS.map((c) => [c, VALID[c]]));
  });

  it.each(INVOKE_CHANNELS.map((c) => [c]))('%s: a wrong-typed or extra argument is refused in words and never reaches the service', async (channel) => {
    const { backend, seen } = recordingBackend();
    const good = VALID[channel] as unknown[];
    for (let i = 0; i < good.length; i += 1) {
      const args = good.map((a, j) => (j === i ? wrong(a) : a));
      const error = await refusal(dispatchInvoke(backend, channel, args));
      expect(error.code).toBe('invalid-input');
      const name = (INVOKE_ARGUMENTS[channel].def.items[i] as { description?: string }).description;
      expect(error.message).toContain(`${channel}: argument ${i + 1} (${name}`);
      expect(error.message).toMatch(/is not valid: .+; found .+\.$/);
    }
    const extra = await refusal(dispatchInvoke(backend, channel, [...good, 'extra', 'more']));
    expect(extra).toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(new RegExp(`^${channel} takes (no arguments|at most \\d+ arguments? \\(.*\\)); ${good.length + 2} were given\\.$`)),
    });
    expect(seen).toEqual([]);
  });

  it('names the field inside an object argument, and refuses what is not a list', async () => {
    expect(() => checkInvokeArgs('presence:set-own', [{ availability: 'asleep', note: '' }])).toThrow(
      /^presence:set-own: argument 1 \(status\.availability\) is not valid: .*"available".*; found "asleep"\.$/,
    );
    expect(() => checkInvokeArgs('session:sign-in', [{ server: 'x', user: 'u' }])).toThrow(
      /session:sign-in: argument 1 \(request\.password\) is not valid: expected string, received undefined; it is missing\./,
    );
    expect(() => checkInvokeArgs('im:send', 'sip:maria@lab.example')).toThrow(InvalidArgumentsError);
    expect(() => checkInvokeArgs('diagnostics:get', [Number.NaN])).toThrow(/diagnostics:get: argument 1 \(id\)/);
    expect(() =>
      checkInvokeArgs('privacy:set-rule', [
        { name: 'R', visibility: 'all', conditions: { sources: [], when: [{ reachabilityStatus: 'away', statuses: 'cupc' }] } },
      ]),
    ).toThrow(/privacy:set-rule: argument 1 \(rule\.conditions\.when\.0\.statuses\)/);
  });

  it('reads a trailing null as an absent optional argument (JSON turns undefined into null)', () => {
    expect(checkInvokeArgs('dial:hang-up', [null])).toEqual([]);
    expect(checkInvokeArgs('contacts:add', ['Team', 'maria', null])).toEqual(['Team', 'maria']);
    expect(() => checkInvokeArgs('im:history', [null])).toThrow(/^im:history: argument 1 \(peer\) is missing\.$/);
    expect(() => checkInvokeArgs('contacts:move', ['Team'])).toThrow(/^contacts:move: argument 2 \(uri\) is missing\.$/);
  });
});

describe('presence:set-own({}) on the real session', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is refused with an error naming the availability, and the own status is unchanged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'desk-guards-'));
    dirs.push(dir);
    const session = new DeskSession({ info: { host: 'browser', version: 'test' }, settings: new MemorySettingsStore(), historyDir: dir, log: () => {} });
    const own: unknown[] = [];
    session.subscribe((event, payload) => event === 'presence:own' && own.push(payload));
    await dispatchInvoke(session, 'presence:set-own', [{ availability: 'busy', note: 'In a meeting' }]);
    const before = session.snapshot().own;
    expect(before).toEqual({ availability: 'busy', note: 'In a meeting' });

    const error = await refusal(dispatchInvoke(session, 'presence:set-own', [{}]));
    expect(error.code).toBe('invalid-input');
    expect(error.message).toMatch(/^presence:set-own: argument 1 \(status\.availability\) is not valid/);
    expect(session.snapshot().own).toEqual(before);
    expect(own).toHaveLength(1);
  });
});
