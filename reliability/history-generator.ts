/**
 * Writes a JSON Lines history of earlier versions of a given size: a heavy user's years of
 * IMs with a few dozen colleagues, ordinary sentences of varied length, some delivery-state
 * records, for the import and opening figures of the reliability suite.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const WORDS = (
  'the release is on friday can you check the build meeting moved to three pm thanks see you later ' +
  'customer called about the invoice please send the report before noon lunch today sure sounds good ' +
  'server down again restarting now back up deploy tomorrow morning review my change when you have a minute ' +
  'ok great where is the document shared folder budget numbers quarter planning holiday next week ' +
  'ünïcödé café naïve façade 👋 🎉 München Zürich'
).split(' ');

/** A deterministic pseudo-random sequence (the same history every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedHistory {
  bytes: number;
  messages: number;
  peers: number;
  /** A word that occurs in a handful of messages, for a selective search. */
  rareWord: string;
}

/** Writes about `targetBytes` of history to `file`. */
export function generateHistory(file: string, targetBytes: number, peers = 60): GeneratedHistory {
  const next = random(0x2026);
  const fd = openSync(file, 'w');
  let bytes = 0;
  let messages = 0;
  let at = Date.UTC(2022, 0, 3, 8);
  const parts: string[] = [];
  let pending = 0;
  try {
    while (bytes < targetBytes) {
      const peer = `sip:colleague${Math.floor(next() ** 2 * peers)}@corp.example`;
      const length = 3 + Math.floor(next() * next() * 60);
      const words: string[] = [];
      for (let i = 0; i < length; i += 1) words.push(WORDS[Math.floor(next() * WORDS.length)]);
      if (messages % 50_000 === 7) words.push('zanzibar');
      const out = next() < 0.5;
      at += Math.floor(next() * 180_000);
      const id = out ? `out:${messages.toString(36)}-${Math.floor(next() * 1e9).toString(36)}` : `in:${messages.toString(36)}@corp.example-1`;
      const message = { id, peer, direction: out ? 'out' : 'in', text: words.join(' '), at, state: out ? 'queued' : 'received' };
      let line = `${JSON.stringify({ t: 'msg', m: message })}\n`;
      if (out) line += `${JSON.stringify({ t: 'state', id, state: 'sent', at: at + 40 })}\n`;
      parts.push(line);
      pending += line.length;
      messages += 1;
      if (pending > 1 << 20) {
        bytes += writeSync(fd, parts.join(''));
        parts.length = 0;
        pending = 0;
      }
    }
    if (parts.length) bytes += writeSync(fd, parts.join(''));
  } finally {
    closeSync(fd);
  }
  return { bytes, messages, peers, rareWord: 'zanzibar' };
}
