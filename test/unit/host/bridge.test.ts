/**
 * The dispatch both hosts share (Electron IPC and the browser host's WebSocket): the IM size
 * limit is measured on the typed text in UTF-8 bytes, before any host's own encoding, so the
 * two hosts refuse exactly the same messages with the same words.
 */
import { describe, expect, it } from 'vitest';
import type { DeskBackend } from '../../../shared/ipc';
import { imTooLong, MAX_FRAME_BYTES, MAX_IM_BYTES, utf8Length } from '../../../shared/limits';
import { dispatchInvoke } from '../../../host/bridge';

const sent: string[] = [];
const backend = { handlers: { 'im:send': (_to: string, text: string) => (sent.push(text), { text }) }, subscribe: () => () => {} } as unknown as DeskBackend;

describe('the shared IM size limit', () => {
  it('counts UTF-8 bytes of the typed text', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('é')).toBe(2);
    expect(utf8Length('✓')).toBe(3);
    expect(utf8Length('👋')).toBe(4);
    expect(utf8Length('\ud800')).toBe(3); // a lone surrogate is sent as U+FFFD
    expect(utf8Length('Grüße 👋 ✓')).toBe(Buffer.byteLength('Grüße 👋 ✓'));
  });

  it('passes a message of exactly the limit and refuses one byte more, in words', async () => {
    await dispatchInvoke(backend, 'im:send', ['sip:a@x', 'x'.repeat(MAX_IM_BYTES)]);
    expect(sent.at(-1)).toHaveLength(MAX_IM_BYTES);
    await expect(dispatchInvoke(backend, 'im:send', ['sip:a@x', `${'x'.repeat(MAX_IM_BYTES - 1)}é`])).rejects.toMatchObject({
      code: 'invalid-input',
      message: imTooLong('é'.repeat(MAX_IM_BYTES))!,
    });
    expect(sent).toHaveLength(1);
  });

  it('leaves the frame limit above the JSON-escaped worst case of the longest IM', () => {
    const worst = JSON.stringify({ kind: 'invoke', id: 1, channel: 'im:send', args: ['sip:someone@example.com', '\u0001'.repeat(MAX_IM_BYTES)] });
    expect(Buffer.byteLength(worst)).toBeGreaterThan(5 * MAX_IM_BYTES);
    expect(Buffer.byteLength(worst)).toBeLessThan(MAX_FRAME_BYTES);
  });
});
