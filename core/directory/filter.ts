/**
 * LDAP search filters (RFC 4515) built from user text and user ids. Every value is escaped,
 * so a name such as `*)(uid=*` finds nobody rather than everybody.
 */

/**
 * Escapes a value for use inside a filter: `*`, `(`, `)`, `\`, NUL and the other control
 * characters. Non-ASCII text stays as it is (RFC 4515 filters are UTF-8 strings): ldapts reads
 * each `\xx` escape as one character rather than one byte, so escaping UTF-8 bytes would make
 * "Zoë" match nobody.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const c of value) {
    const code = c.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f || c === '*' || c === '(' || c === ')' || c === '\\' ? `\\${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}

/** `(|(uid=a)(uid=b)…)` for one batch of user ids. */
export function userIdFilter(attribute: string, ids: string[]): string {
  const terms = ids.map((id) => `(${attribute}=${escapeFilterValue(id)})`);
  return terms.length === 1 ? terms[0] : `(|${terms.join('')})`;
}

/** Longest search text accepted; longer text is refused with a clear reason. */
export const MAX_SEARCH_TEXT = 64;

/**
 * A name search: each word must appear at the start of (or, for display names, inside) one of
 * the searchable attributes, so "maria ch" finds Maria Chen.
 */
export function nameSearchFilter(searchable: string[], displayName: string[], text: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const perWord = words.map((w) => {
    const v = escapeFilterValue(w);
    const terms = searchable.map((a) => (displayName.includes(a) ? `(${a}=*${v}*)` : `(${a}=${v}*)`));
    return terms.length === 1 ? terms[0] : `(|${terms.join('')})`;
  });
  return perWord.length === 1 ? perWord[0] : `(&${perWord.join('')})`;
}

/** Splits a list into batches of at most `size`. */
export function batches<T>(items: T[], size: number): T[][] {
  if (!(size >= 1)) throw new RangeError('batch size must be at least 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
