/**
 * The SIP server hangs (SIGSTOP: connections stay open, nothing answers), as the reliability run
 * found: the session must say "Reconnecting" within 5 s (the stream keep-alive), and each IM
 * typed during the freeze must reach the colleague exactly once after the server resumes. That
 * a repeated attempt is recognised by its Call-ID and CSeq is shown in
 * test/integration/sip/im-identity-and-charset.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage, SessionState } from '../../../shared/domain';
import { waitForEvent } from '../../support/wait';
import { useDemoLab } from '../../support/demo-lab';

const env = useDemoLab('pd-freeze-', { replyDelayMs: 20 }, (lab) => lab.kamailio.resume());

describe('server frozen during a conversation', () => {
  it('says Reconnecting within 5 s and delivers each IM typed meanwhile exactly once', async () => {
    const session = env.newSession();
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
      const before = 'before the freeze';
      const beforeSent = sent(before, 10_000);
      await session.handlers['im:send'](maria.uri, before);
      await beforeSent;

      const lost = state((s) => s.phase === 'reconnecting', 'reconnecting within 5 s of the server hanging', 5000);
      env.lab.kamailio.pause();
      let resumed = false;
      try {
        // Typed at once: the first goes out on the frozen connection before the hang is noticed.
        const typed = ['typed into the freeze (1)', 'typed into the freeze (2)'];
        for (const text of typed) await session.handlers['im:send'](maria.uri, text);
        await lost;
        const back = state((s) => s.phase === 'signed-in', 'signed in after the server resumed', 30_000);
        const delivered = Promise.all(typed.map((t) => sent(t)));
        env.lab.kamailio.resume();
        resumed = true;
        await back;
        await delivered;
        for (const text of typed) await maria.waitForMessage((m) => m.text === text, 15_000);
        // A repeat would arrive after the first copy: one more round trip settles it.
        const after = 'after the freeze';
        const afterSent = sent(after);
        await session.handlers['im:send'](maria.uri, after);
        await afterSent;
        await maria.waitForMessage((m) => m.text === after, 15_000);
        const got = maria.received.map((m) => m.text);
        for (const text of [before, ...typed, after])
          expect(
            got.filter((t) => t === text),
            text,
          ).toHaveLength(1);
      } finally {
        if (!resumed) env.lab.kamailio.resume();
      }
    } finally {
      await session.signOut().catch(() => undefined);
    }
  }, 90_000);
});
