import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../shared/domain';
import { MessageHistory, historyFileName } from '../../../core/store/history';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pd-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const msg = (id: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id,
  peer: 'sip:maria@lab.test',
  direction: 'out',
  text: `text ${id} <b>not html</b> ✓`,
  at: Date.now(),
  state: 'queued',
  ...extra,
});

describe('MessageHistory', () => {
  it('survives a restart with every message and its latest delivery state', () => {
    const h = new MessageHistory(dir, 'alex@lab.test');
    h.add(msg('a'));
    h.add(msg('b'));
    h.setState('a', 'sent');
    h.setState('b', 'failed', '404 Not Found');
    h.close();

    const again = new MessageHistory(dir, 'alex@lab.test');
    const conv = again.conversation('sip:maria@lab.test');
    expect(conv.map((m) => [m.id, m.state, m.error])).toEqual([
      ['a', 'sent', undefined],
      ['b', 'failed', '404 Not Found'],
    ]);
    expect(conv[0].text).toBe('text a <b>not html</b> ✓');
  });

  it('ignores a duplicate id (retransmitted incoming message)', () => {
    const h = new MessageHistory(dir, 'alex');
    expect(h.add(msg('in:1', { direction: 'in', state: 'received' }))).toBe(true);
    expect(h.add(msg('in:1', { direction: 'in', state: 'received' }))).toBe(false);
    expect(h.conversation('sip:maria@lab.test')).toHaveLength(1);
  });

  it('keeps reading past a torn last line and garbage, and reports them', () => {
    const h = new MessageHistory(dir, 'alex');
    h.add(msg('a'));
    h.close();
    appendFileSync(h.file, 'not json\n{"t":"msg","m":{"id":"x"}}\n{"t":"msg","m":{"id":"torn","pe');
    const again = new MessageHistory(dir, 'alex');
    expect(again.loadReport).toEqual({ messages: 1, badLines: 3 });
    again.add(msg('c'));
    again.close();
    // The damaged lines stay on disk: nothing is ever rewritten away.
    expect(readFileSync(h.file, 'utf8')).toContain('not json');
    expect(new MessageHistory(dir, 'alex').conversation('sip:maria@lab.test').map((m) => m.id)).toEqual(['a', 'c']);
  });

  it('lists pending outgoing messages oldest first', () => {
    const h = new MessageHistory(dir, 'alex');
    h.add(msg('late', { at: 2000 }));
    h.add(msg('early', { at: 1000 }));
    h.add(msg('done', { at: 500 }));
    h.setState('done', 'sent');
    expect(h.pending().map((m) => m.id)).toEqual(['early', 'late']);
  });

  it('makes safe file names from account names', () => {
    expect(historyFileName('../../etc/passwd')).not.toContain('/');
    expect(historyFileName('Alex@Lab.Test')).toBe('alex@lab.test.jsonl');
  });
});
