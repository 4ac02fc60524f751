/**
 * The administrator moves the CTI gateway or the directory while the user is signed in (the lab
 * CUPS as administrator, UCCN through the real Kamailio): the line is watched on the new
 * gateway, and the directory reconnects to the new server and merges its people again, without
 * signing out.
 */
import { describe, expect, it } from 'vitest';
import type { DirectoryStatus, LiveConfigState, PhoneState } from '../../shared/domain';
import type { DeskSession } from '../../core/desk-session';
import type { Settings } from '../../core/store/settings';
import { startLabCtiGateway } from '../../lab/cti/gateway';
import { closedPort, waitForEvent as waitFor } from '../support/wait';
import { useDemoLab } from '../support/demo-lab';

const env = useDemoLab('pd-live-servers-', { replyDelayMs: 50 });

async function notified(name: string, settings: Partial<Settings> = {}): Promise<DeskSession> {
  const session = env.newSession(name, settings);
  const on = waitFor<LiveConfigState>(
    (cb) => session.on('config:state', cb),
    (s) => s.mode === 'notified',
    'change notifications in force',
    15_000,
  );
  await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
  if (session.liveConfig.state.mode !== 'notified') await on;
  return session;
}

const directoryStatus = (session: DeskSession, what: string, match: (s: DirectoryStatus) => boolean) =>
  waitFor<DirectoryStatus>((cb) => session.on('directory:status', cb), match, what, 15_000);

describe('the administrator moves the CTI gateway and the directory', () => {
  it('watches the line on the new CTI gateway at once, leaving a call placed through WebDialer up', async () => {
    const second = await startLabCtiGateway(env.lab.phoneSwitch);
    const session = await notified('cti', { callVia: 'webdialer' });
    const phone = (match: (s: PhoneState) => boolean, what: string) => waitFor<PhoneState>((cb) => session.on('phone:state', cb), match, what, 15_000);
    try {
      if (session.calls.phone.link !== 'monitoring') await phone((s) => s.link === 'monitoring', 'the line monitored');
      expect(second.monitoredLines()).toEqual([]);
      const talking = phone((s) => s.calls[0]?.state === 'talking', 'talking');
      const placed = env.lab.webDialer.calls.length;
      await session.handlers['dial:call']('+1 408 555 0101');
      await talking;
      expect(env.lab.webDialer.calls.slice(placed)).toHaveLength(1);
      const call = env.lab.phoneSwitch.snapshot('1000');
      expect(call).toHaveLength(1);
      const moved = waitFor<PhoneState>(
        (cb) => session.on('phone:state', cb),
        (s) => s.link === 'monitoring' && second.monitoredLines().length > 0,
        'the line monitored on the new gateway',
        15_000,
      );
      await env.lab.admin.setSystemProperties('update-host', [
        ['CallControl.Backup1.Address', second.host],
        ['CallControl.Backup1.Port', String(second.port)],
        ['CallControl.Backup1.Protocol', 'TCP'],
      ]);
      await moved;
      expect(second.monitoredLines()).toEqual(['1000']);
      expect(session.liveConfig.state.changes[0]).toMatch(/CTI/);
      // The call WebDialer placed is still up, and is hung up through the new gateway.
      expect(env.lab.phoneSwitch.snapshot('1000')).toEqual(call);
      const idle = phone((s) => s.calls.length === 0, 'idle');
      await session.handlers['dial:hang-up']();
      await idle;
      expect(env.lab.phoneSwitch.snapshot('1000')).toEqual([]);
    } finally {
      await session.close();
      await second.close();
    }
  });

  it('reconnects the directory to the new server and merges its people again', async () => {
    const session = await notified('directory');
    const { slapd } = env.lab;
    try {
      if ((await session.contacts.handlers['directory:status']()).state !== 'ready')
        await directoryStatus(session, 'the directory ready', (s) => s.state === 'ready');
      const closed = await closedPort();
      const failed = directoryStatus(session, 'the directory on the new server failing', (s) => s.state === 'error' && s.server === `127.0.0.1:${closed}`);
      await env.lab.admin.setSystemProperties('update-host', [
        ['Directory.Primary.Address', '127.0.0.1'],
        ['Directory.Primary.Port', String(closed)],
        ['Directory.Primary.Protocol', 'TCP'],
      ]);
      expect((await failed).message).toContain(`127.0.0.1:${closed}`);
      const back = directoryStatus(session, 'the directory back', (s) => s.state === 'ready' && s.server === `${slapd.host}:${slapd.port}`);
      await env.lab.admin.setSystemProperties('update-host', [
        ['Directory.Primary.Address', slapd.host],
        ['Directory.Primary.Port', String(slapd.port)],
        ['Directory.Primary.Protocol', 'TCP'],
      ]);
      const ready = await back;
      expect(ready.state === 'ready' && ready.found).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });
});
