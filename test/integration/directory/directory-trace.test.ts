/**
 * The directory's LDAP operations in Diagnostics, against the lab's real slapd: the bind and the
 * batched search of the buddy list's people with what came back, under the "directory" filter;
 * a refused bind with the server's answer; and never the directory's password.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeskSession } from '../../../core/desk-session';
import { MemorySettingsStore } from '../../../core/store/settings';
import { labContactList, startLab, type Lab } from '../../../lab';
import { startLabCups, type LabCups } from '../../../lab/cups/server';
import { labDirectoryConfig } from '../../../lab/slapd/people';
import { DEMO_USER, LAB_COLLEAGUES, LAB_DIALING_RULES } from '../../../lab/directory';
import { signInUntilDirectorySettles } from '../../support/directory-sign-in';

let lab: Lab;
let dir: string;
const sessions: DeskSession[] = [];
let badBindCups: LabCups | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pd-directory-trace-'));
  lab = await startLab({ bots: false });
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});
afterAll(async () => {
  await badBindCups?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function signInAndSettle(server: string): Promise<DeskSession> {
  const session = new DeskSession({
    info: { host: 'browser', version: 'test' },
    settings: new MemorySettingsStore(),
    historyDir: join(dir, `h${sessions.length}`),
    cupsTimeoutMs: 3000,
  });
  sessions.push(session);
  await signInUntilDirectorySettles(session, lab, server);
  return session;
}

describe('directory operations in Diagnostics', () => {
  it('lists the bind and the search of the buddy list, with the entries found, under the directory filter', async () => {
    const session = await signInAndSettle(lab.cupsUrl);
    const rows = await session.handlers['diagnostics:list']({ protocol: 'directory' });
    const peer = `ldap://127.0.0.1:${lab.slapd.port}`;
    expect(rows.every((r) => r.protocol === 'directory' && r.peer === peer)).toBe(true);
    const summaries = rows.map((r) => `${r.direction} ${r.summary}`);
    const config = labDirectoryConfig(lab.slapd);
    expect(summaries[0]).toBe(`out bindRequest dn: ${config.bindDn}`);
    expect(summaries[1]).toBe('in bindResponse: success');
    const search = summaries.findIndex((s) => s.startsWith('out searchRequest') && s.includes('(uid=maria)'));
    expect(search).toBeGreaterThan(1);
    expect(summaries[search]).toContain(`base: ${config.contexts[0].base} scope: sub filter: (|`);
    expect(summaries[search + 1]).toBe(`in searchResultDone: success, ${LAB_COLLEAGUES.length} entries`);

    const answer = await session.handlers['diagnostics:get'](rows[search + 1].id);
    expect(answer.text).toContain('displayName: Maria Chen');
    expect(answer.text).toContain('telephoneNumber: +1 408 555 0101');
    const bind = await session.handlers['diagnostics:get'](rows[0].id);
    expect(bind.text).toContain('password: ********');

    const exported = await session.handlers['diagnostics:export']({ protocol: 'directory' });
    expect(exported.text).toContain('bindRequest');
    expect(exported.text).not.toContain(config.password);
  });

  it('shows a refused bind with the server’s answer', async () => {
    badBindCups = await startLabCups({
      domain: lab.domain,
      presence: { host: lab.kamailio.host, port: lab.kamailio.tcpPort, protocol: 'tcp' },
      dialingRules: LAB_DIALING_RULES,
      users: [DEMO_USER, ...LAB_COLLEAGUES].map((p) => ({ id: p.id, password: lab.passwordOf(p.id), displayName: p.displayName })),
      contactLists: { [DEMO_USER.id]: labContactList() },
      directory: { ...labDirectoryConfig(lab.slapd), password: 'not the password' },
    });
    const session = await signInAndSettle(badBindCups.url);
    const rows = await session.handlers['diagnostics:list']({ protocol: 'directory' });
    expect(rows.map((r) => `${r.direction} ${r.summary}`).slice(0, 2)).toEqual([
      `out bindRequest dn: ${labDirectoryConfig(lab.slapd).bindDn}`,
      'in bindResponse: invalidCredentials (49)',
    ]);
    expect((await session.handlers['diagnostics:export']({})).text).not.toContain('not the password');
  });
});
