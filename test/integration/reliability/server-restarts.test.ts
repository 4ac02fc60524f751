/**
 * Kamailio killed and restarted five times in the middle of a conversation (the demo lab: real
 * Kamailio, lab CUPS, colleague bots). At each step the phase the session shows must be the
 * truth (reconnecting soon after the kill, signed in after the restart), and every message
 * typed meanwhile must reach the colleague after recovery, in the order typed, none failed.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, PresenceUpdate, SessionState } from '../../../shared/domain';
import { waitForEvent } from '../../support/wait';
import { useDemoLab } from '../../support/demo-lab';

const env = useDemoLab('pd-restarts-', { replyDelayMs: 20 });

describe('server killed and restarted during a conversation', () => {
  it('5 kills: phases follow reality and every IM typed meanwhile arrives in order', async () => {
    const session = env.newSession();
    const phases: string[] = [];
    session.on('session:state', (s) => phases.push(s.phase));
    const state = (predicate: (s: SessionState) => boolean, what: string, ms: number) =>
      waitForEvent<SessionState>((cb) => session.on('session:state', cb), predicate, what, ms);
    const sent = (text: string, ms = 30_000) =>
      waitForEvent<ChatMessage>(
        (cb) => session.on('im:message', cb),
        (m) => m.text === text && m.state === 'sent',
        `"${text}" sent`,
        ms,
      );
    try {
      await session.signIn({ server: env.lab.cupsUrl, user: env.lab.demoUser.id, password: env.lab.demoUser.password });
      const maria = env.lab.bots.get('maria')!;
      const expected: string[] = [];

      for (let round = 1; round <= 5; round += 1) {
        // A line of conversation while all is well.
        const live = `round ${round}: before the crash`;
        const liveSent = sent(live, 10_000);
        await session.messaging.sendMessage(maria.uri, live);
        await liveSent;
        expected.push(live);

        // Subscribe before the kill: the phase can change while kill() is still running.
        const lost = state((s) => s.phase === 'reconnecting', `reconnecting after kill ${round}`, 5000);
        await env.lab.kamailio.kill();
        await lost;
        expect(session.sessionState.phase).toBe('reconnecting');

        const typed = [`round ${round}: typed while down (1)`, `round ${round}: typed while down (2) — ünïcödé`];
        for (const text of typed) {
          const queued = await session.messaging.sendMessage(maria.uri, text);
          expect(queued.state).toBe('queued');
        }
        expected.push(...typed);
        // Still down: nothing typed may have been marked sent or failed.
        expect(session.sessionState.phase).toBe('reconnecting');

        const back = state((s) => s.phase === 'signed-in', `signed in after restart ${round}`, 30_000);
        const delivered = sent(typed[1]);
        await env.lab.kamailio.restart();
        await back;
        await delivered;
        await maria.waitForMessage((m) => m.text === typed[1], 15_000);
      }

      // The colleague received exactly what was typed, in order, each once.
      const ours = maria.received.map((m) => m.text).filter((t) => t.startsWith('round '));
      expect(ours).toEqual(expected);
      const history = session.handlers['im:history'](maria.uri) as ChatMessage[];
      const outgoing = history.filter((m) => m.direction === 'out');
      expect(outgoing.map((m) => m.text)).toEqual(expected);
      expect(outgoing.every((m) => m.state === 'sent')).toBe(true);
      // Phases seen: signed in, then five times reconnecting → signed in, nothing else.
      expect(phases).toEqual(['signing-in', 'signed-in', ...Array.from({ length: 5 }, () => ['reconnecting', 'signed-in']).flat()]);

      // Presence is true again after the last restart (re-subscribed, colleague re-published).
      const uri = maria.uri;
      if (session.snapshot().presence[uri]?.availability !== 'available') {
        await waitForEvent<PresenceUpdate[]>(
          (cb) => session.on('presence:changed', cb),
          (u) => u.some((x) => x.uri === uri && x.presence.availability === 'available'),
          'Maria available again',
          15_000,
        );
      }
    } finally {
      await session.close();
    }
  }, 240_000);
});
