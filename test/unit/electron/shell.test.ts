/**
 * The Electron shell's logic, which runs without an Electron binary: OS open requests
 * (tel:/sip:/im: from argv or open-url), window geometry clamped to the displays, the tray menu.
 * The wiring of main and preload is tested on their bundles with a fake Electron
 * (test/integration/electron/main-process.test.ts, test/unit/electron/preload.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';
import { openRequestFromArgv, parseOpenUrl, chatAddress } from '../../../shared/open-url';
import { clampBounds, readWindowState, DEFAULT_SIZE } from '../../../electron/window-state';
import { trayMenu, trayTooltip } from '../../../electron/tray-menu';
import { conversationParam } from '../../../renderer/src/ConversationWindow';

describe('open requests from the operating system', () => {
  it('reads tel:, sip:, sips: and im: addresses', () => {
    expect(parseOpenUrl('tel:+1-650-555-0199')).toEqual({ kind: 'call', number: '+1-650-555-0199' });
    expect(parseOpenUrl('tel:5550100;phone-context=example.com')).toEqual({ kind: 'call', number: '5550100' });
    // Parameters are dropped, never passed on.
    expect(parseOpenUrl('tel:12345;ext=<script>')).toEqual({ kind: 'call', number: '12345' });
    expect(parseOpenUrl('TEL:%2B44%2020%207946%200103')).toEqual({ kind: 'call', number: '+44 20 7946 0103' });
    expect(parseOpenUrl('sip:Maria@Lab.Example;transport=tcp?subject=hi')).toEqual({ kind: 'chat', uri: 'sip:Maria@lab.example' });
    expect(parseOpenUrl('sips:sam@lab.example')).toEqual({ kind: 'chat', uri: 'sip:sam@lab.example' });
    expect(parseOpenUrl('im:priya@lab.example')).toEqual({ kind: 'chat', uri: 'sip:priya@lab.example' });
    expect(parseOpenUrl('im://omar@lab.example')).toEqual({ kind: 'chat', uri: 'sip:omar@lab.example' });
  });

  it('refuses other schemes and malformed or hostile addresses', () => {
    for (const bad of [
      'javascript:alert(1)',
      'https://example.com',
      'file:///etc/passwd',
      'sip:lab.example',
      'sip:@lab.example',
      'sip:a<b>@lab.example',
      'sip:maria@lab example',
      'sip:maria@lab.example\nX-Evil: 1',
      'tel:',
      'tel:call-me-maybe',
      `tel:${'1'.repeat(100)}`,
      `sip:${'a'.repeat(3000)}@x.y`,
      42,
      undefined,
    ]) {
      expect(parseOpenUrl(bad), String(bad)).toBeUndefined();
    }
  });

  it('takes the first openable address from a second instance’s argv, skipping switches and the app path', () => {
    expect(openRequestFromArgv(['/opt/Presence Desk/presence-desk', '--no-sandbox', 'sip:maria@lab.test'])).toEqual({
      kind: 'chat',
      uri: 'sip:maria@lab.test',
    });
    expect(openRequestFromArgv(['presence-desk', '--server=tel:1', 'javascript:alert(1)', 'tel:555'])).toEqual({ kind: 'call', number: '555' });
    expect(openRequestFromArgv(['presence-desk', '--demo'])).toBeUndefined();
  });

  it('opens a conversation window only for a SIP address', () => {
    expect(conversationParam('?token=t&conversation=sip%3Amaria%40lab.test')).toBe('sip:maria@lab.test');
    expect(conversationParam('?conversation=javascript%3Aalert(1)')).toBeUndefined();
    expect(conversationParam('?token=t')).toBeUndefined();
    expect(chatAddress('maria@LAB.test')).toBe('sip:maria@lab.test');
  });
});

describe('remembered window geometry', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 875 };
  const monitor = { x: 1440, y: -200, width: 2560, height: 1400 };

  it('keeps a window that is on a display', () => {
    expect(clampBounds({ x: 1600, y: 0, width: 1200, height: 800 }, [laptop, monitor])).toEqual({ x: 1600, y: 0, width: 1200, height: 800 });
  });

  it('brings back a window saved on a monitor that is gone, centred on the primary display', () => {
    expect(clampBounds({ x: 1600, y: 0, width: 1200, height: 800 }, [laptop])).toEqual({ x: 120, y: 38, width: 1200, height: 800 });
  });

  it('shrinks a window larger than its display and pulls it inside', () => {
    expect(clampBounds({ x: 1300, y: 500, width: 3000, height: 2000 }, [laptop])).toEqual({ x: 0, y: 0, width: 1440, height: 875 });
    expect(clampBounds({ x: 1300, y: 500, width: 600, height: 500 }, [laptop])).toEqual({ x: 840, y: 375, width: 600, height: 500 });
  });

  it('uses the default size when nothing (or garbage) was saved', () => {
    expect(readWindowState({ bounds: { x: 'a', y: 0, width: 10, height: 10 } })).toBeUndefined();
    expect(readWindowState(undefined)).toBeUndefined();
    expect(readWindowState({ bounds: { x: 1.4, y: 2, width: 800, height: 600 }, maximized: true })).toEqual({
      bounds: { x: 1, y: 2, width: 800, height: 600 },
      maximized: true,
    });
    expect(clampBounds(undefined, [laptop])).toEqual({ x: 170, y: 68, ...DEFAULT_SIZE });
  });
});

describe('tray menu', () => {
  it('lists the five statuses with the current one checked, then Show and Quit', () => {
    const actions = { setStatus: vi.fn(), show: vi.fn(), quit: vi.fn() };
    const menu = trayMenu('busy', 'signed-in', actions);
    expect(menu.filter((i) => i.type === 'radio').map((i) => [i.label, i.checked])).toEqual([
      ['Available', false],
      ['Away', false],
      ['Busy', true],
      ['Do not disturb', false],
      ['Invisible', false],
    ]);
    menu.find((i) => i.id === 'status-dnd')!.click!();
    expect(actions.setStatus).toHaveBeenCalledWith('dnd');
    menu.find((i) => i.id === 'quit')!.click!();
    expect(actions.quit).toHaveBeenCalledOnce();
    expect(menu.at(-1)!.label).toBe('Quit');
    expect(trayTooltip('away', 'signed-in', 'alex')).toBe('Presence Desk — alex: Away');
    expect(trayTooltip('away', 'reconnecting')).toBe('Presence Desk: Reconnecting…');
    expect(trayTooltip('busy', 'signed-in', 'alex', true)).toBe('Presence Desk — alex: Busy (On the phone)');
  });
});

describe('tray icon', () => {
  it('is a valid PNG whose centre has the status colour and whose corner is transparent', async () => {
    const { statusIconPng } = await import('../../../electron/tray-icon');
    const { inflateSync } = await import('node:zlib');
    const png = statusIconPng('busy', 'signed-in', 16);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(16);
    const idatAt = png.indexOf('IDAT');
    const pixels = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + png.readUInt32BE(idatAt - 4)));
    const pixel = (x: number, y: number) => [...pixels.subarray(y * 65 + 1 + x * 4, y * 65 + 1 + x * 4 + 4)];
    expect(pixel(8, 8)).toEqual([0xd9, 0x30, 0x25, 255]);
    expect(pixel(0, 0)[3]).toBe(0);
    // Signed out, the icon is grey whatever the chosen status.
    const grey = inflateSync(statusIconPng('busy', 'signed-out', 16).subarray(idatAt + 4));
    expect([...grey.subarray(8 * 65 + 1 + 8 * 4, 8 * 65 + 1 + 8 * 4 + 3)]).toEqual([0xa0, 0xa7, 0xb4]);
  });
});

describe('start at login on Linux', () => {
  it('writes an XDG autostart entry with the executable quoted, and removes it', async () => {
    const { applyLinuxAutostart, quoteExec } = await import('../../../electron/autostart');
    const { mkdtempSync, readFileSync, existsSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'pd-autostart-'));
    try {
      applyLinuxAutostart(dir, true, '/opt/Presence Desk/presence-desk');
      const file = join(dir, 'autostart', 'presence-desk.desktop');
      expect(readFileSync(file, 'utf8')).toContain('Exec="/opt/Presence Desk/presence-desk" --hidden\n');
      expect(quoteExec('/x/$HOME/"a"`b`')).toBe('"/x/\\$HOME/\\"a\\"\\`b\\`"');
      applyLinuxAutostart(dir, false, '/opt/Presence Desk/presence-desk');
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
