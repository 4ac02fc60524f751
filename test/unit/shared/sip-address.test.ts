import { describe, expect, it } from 'vitest';
import { addressKey, aorUser, normaliseAor, personaUri, splitAddress } from '../../../shared/sip-address';
import { normaliseAor as coreNormaliseAor } from '../../../core/uri';
import { addressKey as rendererAddressKey } from '../../../renderer/src/address-owner';
import { chatAddress } from '../../../shared/open-url';
import { parseOpenRequest } from '../../../host/open-request';

describe('the one SIP address normaliser', () => {
  it('reduces every written form of an address to sip:user@host, host lower-cased, user kept', () => {
    for (const written of [
      'sip:Maria@lab.example',
      'Maria@LAB.example',
      '"Maria" <SIP:Maria@Lab.Example;transport=tcp>',
      ' im:Maria@lab.example ',
      'sips:Maria@lab.example?subject=x',
      'pres:Maria@lab.example',
      'im://Maria@lab.example',
    ]) {
      expect(normaliseAor(written), written).toBe('sip:Maria@lab.example');
      expect(addressKey(written), written).toBe('sip:Maria@lab.example');
    }
  });

  it('has no address key for what is not user@host, while the lenient form keeps a bare host', () => {
    for (const bad of ['+1 408 555 0101', 'sip:@lab.example', 'maria@', '', '   ']) expect(addressKey(bad), bad).toBeUndefined();
    expect(splitAddress('sip:lab.example')).toBeUndefined();
    expect(normaliseAor('<sip:Lab.Example;lr>')).toBe('sip:lab.example');
  });

  it('is the same function in the core, the renderer, the open-URL reader and the command line', () => {
    expect(coreNormaliseAor).toBe(normaliseAor);
    expect(rendererAddressKey).toBe(addressKey);
    expect(chatAddress('sip:Maria@LAB.example;transport=tcp')).toBe(normaliseAor('sip:Maria@LAB.example;transport=tcp'));
    expect(parseOpenRequest('sip:Maria@Example.COM;transport=tcp')).toEqual({ kind: 'chat', uri: 'sip:Maria@example.com' });
  });

  it('keeps the open-URL reader strict: display names and odd user parts are refused', () => {
    expect(chatAddress('"Maria" <sip:maria@lab.example>')).toBeUndefined();
    expect(chatAddress('sip:ma ria@lab.example')).toBeUndefined();
    expect(chatAddress('sip:maria@lab.example:5061')).toBe('sip:maria@lab.example');
  });

  it('derives persona addresses and user parts from the same rule', () => {
    expect(personaUri('maria', 'Lab.Example')).toBe('sip:maria@lab.example');
    expect(personaUri('maria@Other.Example', 'lab.example')).toBe('sip:maria@other.example');
    expect(personaUri('SIP:maria@Other.Example', 'lab.example')).toBe('sip:maria@other.example');
    expect(aorUser('"M" <sip:Maria@lab.example>')).toBe('Maria');
  });

  it('leaves no other copy of the normaliser in the tree', async () => {
    const { readFileSync } = await import('node:fs');
    const { execFileSync } = await import('node:child_process');
    const root = new URL('../../../', import.meta.url).pathname;
    const files = execFileSync('git', ['ls-files', 'core', 'renderer', 'host', 'lab', 'shared', 'electron'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.tsx?$/.test(f) && f !== 'shared/sip-address.ts');
    // The signature of a hand-written normaliser: stripping the sip/sips scheme and lower-casing the host after the last '@'.
    const copies = files.filter(
      (f) => /lastIndexOf\('@'\)[^]{0,200}toLowerCase\(\)/.test(readFileSync(`${root}${f}`, 'utf8')) && /sips\?/.test(readFileSync(`${root}${f}`, 'utf8')),
    );
    expect(copies).toEqual([]);
  });
});
