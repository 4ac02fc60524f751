/** One PUBLISH in flight at a time, and the newest status wins over those that waited. */
import { describe, expect, it } from 'vitest';
import { PublisherState, SerialPublisher } from '../../../core/presence';

describe('SerialPublisher', () => {
  it('never has two in flight, sends only the newest of those that waited, and settles every caller', async () => {
    const sent: string[] = [];
    let inFlight = 0;
    let most = 0;
    const answers: Array<() => void> = [];
    const publisher = new SerialPublisher<string>((status) => {
      sent.push(status);
      inFlight += 1;
      most = Math.max(most, inFlight);
      return new Promise<void>((resolve) => answers.push(() => ((inFlight -= 1), resolve())));
    });
    const first = publisher.publish('available');
    expect(publisher.state).toBe(PublisherState.Publishing);
    const second = publisher.publish('away');
    const third = publisher.publish('busy');
    expect(sent).toEqual(['available']);
    answers.shift()!();
    await first;
    // 'away' was replaced by 'busy' while it waited.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(sent).toEqual(['available', 'busy']);
    answers.shift()!();
    await Promise.all([second, third]);
    expect(most).toBe(1);
    expect(publisher.state).toBe(PublisherState.Idle);
  });

  it('a refused PUBLISH rejects the callers it carried, and the next one still goes out', async () => {
    let fail = true;
    const sent: string[] = [];
    const publisher = new SerialPublisher<string>(async (status) => {
      sent.push(status);
      if (fail) throw new Error('403 Forbidden');
    });
    await expect(publisher.publish('dnd')).rejects.toThrow('403 Forbidden');
    fail = false;
    await publisher.publish('available');
    expect(sent).toEqual(['dnd', 'available']);
  });
});
