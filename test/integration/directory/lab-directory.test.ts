/**
 * The corporate directory against a real slapd (the lab's): contacts' numbers, names, titles
 * and emails after sign-in, name search, batching, failover to a backup, and the errors a user
 * meets (directory unreachable, bind refused) — which never stop sign-in. Also the desk phone:
 * choice of device and line, and hang-up, on the lab WebDialer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, ContactChange, DirectoryStatus, PhoneState } from '../../../shared/domain';
import { DeskSession } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';
import { LdapDirectory, readAttributeMap } from '../../../core/directory';
import { compileRules } from '../../../core/dialing';
import { labContactList, startLab, type Lab } from '../../../lab';
import { startLabCups, type LabCups } from '../../../lab/cups/server';
import type { LabDirectoryConfig } from '../../../lab/cups/directory-config';
import { labDirectoryConfig } from '../../../lab/slapd/people';
import { DEMO_USER, LAB_COLLEAGUES, LAB_DIALING_RULES } from '../../../lab/directory';
import { closedPort, waitForEvent as waitFor } from '../../support/wait';
import { signInUntilDirectorySettles } from '../../support/directory-sign-in';

let lab: Lab;
let dir: string;
const log: string[] = [];
const sessions: DeskSession[] = [];
const extraCups: LabCups[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-directory-'));
  lab = await startLab({ bots: false, log: (l) => log.push(l) });
});
// One CUPS session per user at a time: each test signs out before the next signs in.
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});
afterAll(async () => {
  for (const c of extraCups) await c.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function newSession(): DeskSession {
  const session = new DeskSession({
    info: { host: 'browser', version: 'test' },
    // Calls through WebDialer, which these tests check (the CTI gateway's MakeCall is tested in cti-services).
    settings: new MemorySettingsStore({ callVia: 'webdialer' }),
    historyDir: join(dir, `h${Math.random().toString(36).slice(2)}`),
    cupsTimeoutMs: 3000,
    log: (l) => log.push(l),
  });
  sessions.push(session);
  return session;
}

/** A second lab CUPS server on the same Kamailio and WebDialer, announcing another directory. */
async function cupsWithDirectory(directory: LabDirectoryConfig): Promise<string> {
  const people = [DEMO_USER, ...LAB_COLLEAGUES, { id: 'mgonzalez', displayName: 'Maria Gonzalez', numbers: [] }];
  const cups = await startLabCups({
    domain: lab.domain,
    presence: { host: lab.kamailio.host, port: lab.kamailio.tcpPort, protocol: 'tcp' },
    callControl: { host: '127.0.0.1', port: lab.webDialer.port, protocol: 'http' },
    dialingRules: LAB_DIALING_RULES,
    // mgonzalez is known to CUPS (so she can be added) but has no SIP account in the lab.
    users: people.map((p) => ({ id: p.id, password: p.id === 'mgonzalez' ? 'unused' : lab.passwordOf(p.id), displayName: p.displayName })),
    contactLists: { [DEMO_USER.id]: labContactList() },
    directory,
  });
  extraCups.push(cups);
  return cups.url;
}

/** Signs in and resolves with the directory's first settled status (ready or error). */
const signInAndSettle = (session: DeskSession, server: string): Promise<DirectoryStatus> => signInUntilDirectorySettles(session, lab, server);

const contactOf = (session: DeskSession, id: string): Contact | undefined =>
  session
    .snapshot()
    .groups.flatMap((g) => g.contacts)
    .find((c) => c.personaId === id);

describe('corporate directory on the lab slapd', () => {
  it('fills the buddy list’s numbers, names, titles and emails after sign-in', async () => {
    const session = newSession();
    const status = await signInAndSettle(session, lab.cupsUrl);
    expect(status).toEqual({ state: 'ready', server: `127.0.0.1:${lab.slapd.port}`, found: 6 });
    expect(contactOf(session, 'maria')).toMatchObject({
      displayName: 'Maria Chen',
      directoryName: 'Maria Chen',
      title: 'Product lead',
      email: `maria@${lab.domain}`,
      numbers: ['+1 408 555 0101', '+1 650 555 0111'],
      phones: [
        { label: 'work', number: '+1 408 555 0101', lookup: '0101', lookupRule: 'Directory: own site' },
        { label: 'mobile', number: '+1 650 555 0111', lookup: '+16505550111' },
      ],
    });
    expect(contactOf(session, 'jonas')!.phones).toEqual([{ label: 'work', number: '+49 30 555 0105', lookup: '+49305550105' }]);
    // The directory's numbers dial through the application rules like any other number.
    expect((await session.handlers['dial:preview']('+1 408 555 0101')).explanation).toBe("will dial 0101 (rule 'Own site')");
    expect(await session.handlers['directory:status']()).toMatchObject({ state: 'ready' });
  });

  it('searches by name; filter syntax in the text finds nobody; too little text is refused', async () => {
    const session = newSession();
    await signInAndSettle(session, lab.cupsUrl);
    const found = await session.handlers['directory:search']('maria');
    expect(found.map((p) => [p.userId, p.displayName, p.title])).toEqual([
      ['maria', 'Maria Chen', 'Product lead'],
      ['mgonzalez', 'Maria Gonzalez', 'Sales engineer'],
    ]);
    expect((await session.handlers['directory:search']('maria gon')).map((p) => p.userId)).toEqual(['mgonzalez']);
    expect((await session.handlers['directory:search']('recep'))[0].phones).toEqual([
      { label: 'work', number: '4000', lookup: '4000' },
      {
        label: 'work',
        number: 'ask the operator',
        error: '"ask the operator" is not a phone number.',
        problem: { kind: 'not-a-number', input: 'ask the operator' },
      },
    ]);
    // Non-ASCII text is escaped byte by byte and still matches; markup in the directory stays text.
    for (const text of ['zoë', 'ÅNGSTRÖM', 'zoë ång']) {
      expect((await session.handlers['directory:search'](text)).map((p) => [p.displayName, p.title])).toEqual([['Zoë Ångström', 'Research, R&D <Labs>']]);
    }
    expect(await session.handlers['directory:search']('*)(uid=*')).toEqual([]);
    expect(await session.handlers['directory:search']('**')).toEqual([]);
    await expect(session.handlers['directory:search']('m')).rejects.toMatchObject({
      code: 'invalid-input',
      message: 'Type at least two letters of the name to search the directory.',
    });
    await expect(session.handlers['directory:search']('x'.repeat(65))).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('looks people up in batches and finds each one once', async () => {
    const directory = new LdapDirectory({
      config: {
        servers: [{ host: lab.slapd.host, port: lab.slapd.port, tls: false }],
        bindDn: lab.slapd.bindDn,
        password: lab.slapd.bindPassword,
        // The same people twice (a context and its parent): each person is still found once.
        contexts: [
          { base: lab.slapd.peopleBase, recursive: false },
          { base: lab.slapd.suffix, recursive: true },
        ],
        map: readAttributeMap({}),
      },
      rules: () => compileRules(LAB_DIALING_RULES).rules,
      batchSize: 2,
    });
    try {
      const ids = ['alex', 'MARIA', 'sam', 'priya', 'omar', 'jonas', 'lena', 'nobody', '*'];
      const found = await directory.lookup(ids);
      expect([...found.keys()].sort()).toEqual(['alex', 'jonas', 'lena', 'maria', 'omar', 'priya', 'sam']);
      expect(found.get('maria')!.phones[0].number).toBe('+1 408 555 0101');
    } finally {
      await directory.close();
    }
  });

  it('returns at most the search limit when more people match', async () => {
    const directory = new LdapDirectory({
      config: {
        servers: [{ host: lab.slapd.host, port: lab.slapd.port, tls: false }],
        bindDn: lab.slapd.bindDn,
        password: lab.slapd.bindPassword,
        contexts: [{ base: lab.slapd.peopleBase, recursive: true }],
        map: readAttributeMap({}),
      },
      rules: () => [],
      searchLimit: 1,
    });
    try {
      const found = await directory.search('maria');
      expect(found).toHaveLength(1);
      expect(['maria', 'mgonzalez']).toContain(found[0].userId);
    } finally {
      await directory.close();
    }
  });

  it('looks up a contact when it is added', async () => {
    const session = newSession();
    await signInAndSettle(session, await cupsWithDirectory(labDirectoryConfig(lab.slapd)));
    const changed = waitFor<ContactChange[]>(
      (cb) => session.on('contacts:delta', cb),
      (changes) =>
        changes.some(
          (c) => (c.kind === 'contact-changed' || c.kind === 'contact-added') && c.contact.personaId === 'mgonzalez' && c.contact.numbers.length > 0,
        ),
      'mgonzalez with numbers',
    );
    await session.handlers['contacts:add']('Product team', 'mgonzalez', '');
    await changed;
    expect(contactOf(session, 'mgonzalez')).toMatchObject({
      displayName: 'Maria Gonzalez',
      title: 'Sales engineer',
      numbers: ['+1 408 555 0120', '+1 650 555 0121'],
    });
  });

  it('still rolls back an edit the server refuses, with the directory’s numbers kept', async () => {
    const session = newSession();
    await signInAndSettle(session, lab.cupsUrl);
    lab.cups.inject({ kind: 'fault', code: 'Receiver', text: 'Could not connect to database.', times: 1, operation: 'add-group' });
    await expect(session.handlers['contacts:add-group']('Broken')).rejects.toMatchObject({
      message: 'Adding the group "Broken" failed: Could not connect to database.',
    });
    expect(session.snapshot().groups.map((g) => g.name)).toEqual(['Product team', 'Support desk']);
    expect(contactOf(session, 'maria')!.numbers).toEqual(['+1 408 555 0101', '+1 650 555 0111']);
  });

  it('with the directory unreachable, signs in anyway and says which server it could not reach', async () => {
    const port = await closedPort();
    const session = newSession();
    const status = await signInAndSettle(
      session,
      await cupsWithDirectory({ ...labDirectoryConfig(lab.slapd), servers: { Primary: { host: '127.0.0.1', port, protocol: 'tcp' } } }),
    );
    expect(status).toEqual({ state: 'error', server: `127.0.0.1:${port}`, message: `The directory server 127.0.0.1:${port} cannot be reached.` });
    expect(session.sessionState.phase).toBe('signed-in');
    expect(
      session
        .snapshot()
        .groups.flatMap((g) => g.contacts)
        .every((c) => c.numbers.length === 0),
    ).toBe(true);
    await expect(session.handlers['directory:search']('maria')).rejects.toMatchObject({
      code: 'unreachable',
      message: `The directory server 127.0.0.1:${port} cannot be reached.`,
    });
  });

  it('with the bind refused, signs in anyway and says the credentials were refused', async () => {
    const session = newSession();
    const status = await signInAndSettle(session, await cupsWithDirectory({ ...labDirectoryConfig(lab.slapd), password: 'wrong password' }));
    expect(status.state).toBe('error');
    expect(status.message).toBe(`The directory 127.0.0.1:${lab.slapd.port} refused the bind DN and password from the server's configuration (Directory.DN).`);
    expect(session.sessionState.phase).toBe('signed-in');
  });

  it('uses the backup directory server when the primary cannot be reached', async () => {
    const port = await closedPort();
    const good = labDirectoryConfig(lab.slapd);
    const session = newSession();
    const status = await signInAndSettle(
      session,
      await cupsWithDirectory({ ...good, servers: { Primary: { host: '127.0.0.1', port, protocol: 'tcp' }, Backup1: good.servers.Primary } }),
    );
    expect(status).toMatchObject({ state: 'ready', server: `127.0.0.1:${lab.slapd.port}`, found: 6 });
    expect(contactOf(session, 'omar')!.numbers).toEqual(['+1 408 555 0104', '+1 650 555 0114']);
  });

  it('chooses the phone and line for calls, and hangs up there', async () => {
    const session = newSession();
    await signInAndSettle(session, lab.cupsUrl);
    const choice = await session.handlers['dial:devices']();
    expect(choice.devices.map((d) => d.deviceName)).toEqual(['SEP00AA00BB0000', 'CSFALEX']);
    expect(choice.selected).toEqual({ deviceName: 'SEP00AA00BB0000', lineNumber: '1000' });
    expect((await session.handlers['dial:set-device']('CSFALEX', '1099')).selected).toEqual({ deviceName: 'CSFALEX', lineNumber: '1099' });
    const before = lab.webDialer.calls.length;
    await session.handlers['dial:call']('+1 408 555 0102');
    expect(lab.webDialer.calls.slice(before)).toMatchObject([{ user: 'alex', deviceName: 'CSFALEX', lineNumber: '1099', destination: '0102' }]);
    expect(lab.webDialer.calls.at(-1)!.ended).toBeUndefined();
    // The call rings out from line 1099; the CTI gateway watches that line now and hangs up there.
    const talking = (s: PhoneState) => s.link === 'monitoring' && s.line === '1099' && s.calls.some((c) => c.state === 'talking');
    if (!talking(session.snapshot().phone)) await waitFor<PhoneState>((cb) => session.on('phone:state', cb), talking, 'the call on line 1099');
    expect(lab.phoneSwitch.snapshot('1099')).toHaveLength(1);
    const idle = waitFor<PhoneState>(
      (cb) => session.on('phone:state', cb),
      (s) => s.calls.length === 0,
      'hung up',
    );
    await session.handlers['dial:hang-up']();
    await idle;
    expect(lab.phoneSwitch.snapshot('1099')).toEqual([]);
  });

  it('hangs up through WebDialer when no CTI gateway shows the call', async () => {
    const cups = await startLabCups({
      callControl: { host: '127.0.0.1', port: lab.webDialer.port, protocol: 'http' },
      dialingRules: LAB_DIALING_RULES,
      domain: lab.domain,
      presence: { host: lab.kamailio.host, port: lab.kamailio.tcpPort, protocol: 'tcp' },
      users: [{ id: DEMO_USER.id, password: lab.demoUser.password, displayName: DEMO_USER.displayName }],
      contactLists: { [DEMO_USER.id]: [] },
    });
    extraCups.push(cups);
    const session = newSession();
    await session.signIn({ server: cups.url, user: DEMO_USER.id, password: lab.demoUser.password });
    expect(session.snapshot().phone.link).toBe('not-configured');
    await session.handlers['dial:call']('+1 408 555 0102');
    expect(lab.webDialer.calls.at(-1)!.ended).toBeUndefined();
    await session.handlers['dial:hang-up']();
    expect(lab.webDialer.calls.at(-1)!.ended).toEqual(expect.any(Number));
  });

  it('lists the server’s rules of both types in the order they are tried', async () => {
    const session = newSession();
    await signInAndSettle(session, lab.cupsUrl);
    const rules = await session.handlers['dial:rules']();
    expect(rules.map((r) => [r.type, r.name])).toEqual([
      [1, 'Own site'],
      [1, 'Internal'],
      [1, 'North America'],
      [1, 'Local'],
      [1, 'International'],
      [2, 'Directory: own site'],
    ]);
    expect((await session.handlers['dial:preview-directory']('+1 408 555 0199')).dial).toBe('0199');
  });

  it('connects again after the directory server restarts', async () => {
    const session = newSession();
    await signInAndSettle(session, lab.cupsUrl);
    await lab.slapd.kill();
    await expect(session.handlers['directory:search']('sam')).rejects.toMatchObject({ code: 'unreachable' });
    await lab.slapd.restart();
    expect((await session.handlers['directory:search']('sam')).map((p) => p.userId)).toEqual(['sam']);
  });

  it('fills the numbers in once the directory answers again after failing at sign-in', async () => {
    await lab.slapd.kill();
    const session = newSession();
    const status = await signInAndSettle(session, lab.cupsUrl);
    expect(status.state).toBe('error');
    expect(contactOf(session, 'sam')!.numbers).toEqual([]);
    await lab.slapd.restart();
    const ready = waitFor<DirectoryStatus>(
      (cb) => session.on('directory:status', cb),
      (s) => s.state === 'ready',
      'directory ready again',
    );
    expect((await session.handlers['directory:search']('lena')).map((p) => p.userId)).toEqual(['lena']);
    expect(await ready).toMatchObject({ state: 'ready', found: 6 });
    expect(contactOf(session, 'sam')!.numbers).toEqual(['+1 408 555 0102', '+1 650 555 0112']);
  });

  it('says so when the server names no directory, and signs in as usual', async () => {
    const cups = await startLabCups({
      domain: lab.domain,
      presence: { host: lab.kamailio.host, port: lab.kamailio.tcpPort, protocol: 'tcp' },
      users: [{ id: DEMO_USER.id, password: lab.passwordOf(DEMO_USER.id), displayName: DEMO_USER.displayName }],
      contactLists: { [DEMO_USER.id]: labContactList() },
    });
    extraCups.push(cups);
    const session = newSession();
    const state = await session.signIn({ server: cups.url, user: lab.demoUser.id, password: lab.demoUser.password });
    expect(state.phase).toBe('signed-in');
    expect(await session.handlers['directory:status']()).toEqual({ state: 'not-configured' });
    await expect(session.handlers['directory:search']('maria')).rejects.toMatchObject({
      code: 'config',
      message: "The server's configuration names no directory (Directory.Primary.Address); type the user name or SIP address instead.",
    });
  });
});
