import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../shared/languages';
import { NAMESPACES, RESOURCES } from '../../../shared/locales';

/**
 * Every shipped language has every English string, no more, with the same placeholders and the
 * plural forms its own plural rules need. A string added in English only fails here, naming
 * itself, before anyone sees a German screen with an English line in it.
 */
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value);
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}|\$t\(([^)]*)\)/g)].map((m) => m[1] ?? m[2]).sort();
const words = (text: string) => text.replace(/\{\{[^}]*\}\}/g, ' ').match(/\p{L}{2,}/gu) ?? [];

/** Keys of one language: plain keys as they are, plural keys by their base with the forms found. */
function shape(lang: string, ns: string) {
  const flat = flatten(RESOURCES[lang as keyof typeof RESOURCES][ns as keyof (typeof RESOURCES)['en']]);
  const plain = new Map<string, unknown>();
  const plurals = new Map<string, Set<string>>();
  for (const [key, value] of flat) {
    const m = PLURAL.exec(key);
    if (m) {
      const base = key.slice(0, m.index);
      plurals.set(base, (plurals.get(base) ?? new Set()).add(m[1]));
    } else plain.set(key, value);
  }
  return { flat, plain, plurals };
}

describe('shipped languages', () => {
  it('load every namespace file there is, and no other', () => {
    const dir = join(import.meta.dirname, '../../../shared/locales');
    for (const lang of LANGUAGES) {
      const files = readdirSync(join(dir, lang)).filter((f) => f.endsWith('.json'));
      expect(files.map((f) => f.replace(/\.json$/, '')).sort(), lang).toEqual([...NAMESPACES].sort());
      for (const f of files) expect(() => JSON.parse(readFileSync(join(dir, lang, f), 'utf8')), `${lang}/${f}`).not.toThrow();
    }
  });

  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    describe(lang, () => {
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const ns of NAMESPACES) {
        it(`${ns}: has every English string, with the same placeholders`, () => {
          const english = shape('en', ns);
          const other = shape(lang, ns);
          const missing = [...english.plain.keys()].filter((k) => !other.plain.has(k)).map((k) => `${ns}:${k}`);
          const extra = [...other.plain.keys()].filter((k) => !english.plain.has(k)).map((k) => `${ns}:${k}`);
          expect(missing, `missing in ${lang}`).toEqual([]);
          expect(extra, `in ${lang} but not in English`).toEqual([]);
          for (const [key, value] of english.plain) {
            const translated = other.plain.get(key);
            expect(typeof translated === 'string' && translated.trim() !== '', `${lang} ${ns}:${key} is empty`).toBe(true);
            expect(placeholders(String(translated)), `${lang} ${ns}:${key} placeholders`).toEqual(placeholders(String(value)));
          }
        });

        it(`${ns}: has the plural forms ${lang} needs`, () => {
          const english = shape('en', ns);
          const other = shape(lang, ns);
          expect([...other.plurals.keys()].sort()).toEqual([...english.plurals.keys()].sort());
          for (const [base, forms] of other.plurals) {
            for (const c of categories) if (c !== 'zero' || forms.has('zero')) expect(forms.has(c), `${lang} ${ns}:${base}_${c}`).toBe(true);
          }
        });

        it(`${ns}: is translated, not copied (a phrase of two or more words identical to English fails)`, () => {
          const english = shape('en', ns).flat;
          const copied = [...shape(lang, ns).flat]
            .filter(([key, value]) => value === english.get(key) && words(String(value)).length >= 2 && !SAME_BY_DESIGN.has(String(value)))
            .map(([key, value]) => `${ns}:${key} = ${JSON.stringify(value)}`);
          expect(copied).toEqual([]);
        });
      }
    });
  }
});

/** Phrases that read the same in every shipped language: product names. */
const SAME_BY_DESIGN = new Set(['Presence Desk', 'Cisco Unified Presence (CUPS)']);
