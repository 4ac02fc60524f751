/**
 * One owner of what is published: after the presence server (the demo lab's real Kamailio) is
 * killed and restarted, the session publishes its status exactly once when registered again,
 * with the status chosen while the link was down. Before OwnPresence, the SIP account and the
 * session both re-published, on an unserialised publication.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, SessionState, TraceSummary } from '../../shared/domain';
import { waitForEvent } from '../support/wait';
import { useDemoLab } from '../support/demo-lab';

const env = useDemoLab('pd-republish-', { replyDelayMs: 20 });

describe('publishing across a reconnection', () => {
  it('publishes exactly once after the server restarts, with the status chosen while it was down', async () => {
    const session = env.newSession();
    const state = (predicate: (s: SessionState) => boolean, what: string, ms: number) =>
      waitForEvent<SessionState>((cb) => session.on('session:state', cb), predicate, what, ms);
    try {
      await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
      const lost = state((s) => s.phase === 'reconnecting', 'reconnecting after the kill', 5000);
      await env.lab.kamailio.kill();
      await lost;
      await session.handlers['presence:set-own']({ availability: 'busy', note: 'Chosen while the server was down' });

      const sinceRestart: TraceSummary[] = [];
      session.on('diagnostics:entry', (entry) => sinceRestart.push(entry));
      await session.handlers['diagnostics:follow'](true);
      const back = state((s) => s.phase === 'signed-in', 'signed in after the restart', 30_000);
      const published = waitForEvent<TraceSummary>(
        (cb) => session.on('diagnostics:entry', cb),
        (e) => e.direction === 'in' && e.method === 'PUBLISH' && (e.status ?? 0) >= 200 && (e.status ?? 0) < 300,
        'a PUBLISH accepted',
        30_000,
      );
      await env.lab.kamailio.restart();
      await back;
      await published;
      // Both re-publishes of old were sent in the same turn as the registration: one IM round
      // trip later, a second PUBLISH would be in the trace.
      const maria = env.lab.bots.get('maria')!;
      const sent = waitForEvent<ChatMessage>(
        (cb) => session.on('im:message', cb),
        (m) => m.text === 'after the restart' && m.state === 'sent',
        'IM sent',
        15_000,
      );
      await session.handlers['im:send'](maria.uri, 'after the restart');
      await sent;
      await maria.waitForMessage((m) => m.text === 'after the restart', 15_000);

      const requests = sinceRestart.filter((e) => e.direction === 'out' && e.method === 'PUBLISH' && e.status === undefined);
      const challenged = sinceRestart.filter((e) => e.direction === 'in' && e.method === 'PUBLISH' && (e.status === 401 || e.status === 407));
      const accepted = sinceRestart.filter((e) => e.direction === 'in' && e.method === 'PUBLISH' && (e.status ?? 0) >= 200 && (e.status ?? 0) < 300);
      expect(requests.length - challenged.length, env.log.slice(-30).join('\n')).toBe(1);
      expect(accepted).toHaveLength(1);
      const body = session.trace.get(requests.at(-1)!.id)?.text ?? '';
      expect(body).toContain('Chosen while the server was down');
    } finally {
      await session.close();
    }
  });
});
