/**
 * Secret masking for the protocol trace. Runs on every message before the recorder keeps it,
 * so nothing secret is ever stored in memory, shown in the Diagnostics view or exported.
 *
 * Structural rules cover what the protocols carry:
 *  - SIP `Authorization` / `Proxy-Authorization` (and any `*-Authorization`) digest `response`
 *    values and Basic credentials;
 *  - SOAP `<password>` elements (CUPS login, WebDialer `Credential`), whatever their prefix or
 *    attributes, and `<session-key>` values in requests and the login answer.
 * Known secrets (the session's own password) are also replaced wherever they appear verbatim or
 * XML-escaped, as a second line of defence against a message shape the rules do not know.
 */

export const MASK = '********';

/** Known secrets shorter than this are only masked structurally: replacing every "ab" would wreck the trace. */
export const MIN_KNOWN_SECRET_LENGTH = 4;

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const XML_SECRET_TAGS = ['password', 'passwd', 'session-key', 'sessionKey', 'credentials', 'secret', 'token'];

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** Masks the secret parts of SIP authorization headers, line by line (folded lines included). */
export function maskSipAuthorization(message: string): string {
  return message.replace(/^((?:[A-Za-z-]*-)?Authorization[ \t]*:)([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/gim, (_all, name: string, value: string) => {
    if (/^\s*basic\s/i.test(value)) return `${name} Basic ${MASK}`;
    return (
      name +
      value
        // response="…" (quoted) or response=… (token), any case, any spacing around '='
        .replace(/(\bresponse\s*=\s*)("[^"]*"|[^\s,]+)/gi, `$1"${MASK}"`)
        // Non-digest schemes carry a bearer credential in the first token.
        .replace(/^(\s*bearer\s+)\S+/i, `$1${MASK}`)
    );
  });
}

/** `<p:tag attr>…</p:tag>` for every secret tag, in one pass (a trace can hold RLS bodies of hundreds of KB). */
const XML_SECRET = new RegExp(`(<((?:[A-Za-z_][\\w.-]*:)?(?:${XML_SECRET_TAGS.map(reEscape).join('|')}))(?:\\s[^>]*)?>)([\\s\\S]*?)(</\\2\\s*>)`, 'gi');

/** Masks the content of secret-bearing XML elements (any namespace prefix, any attributes). */
export function maskXmlSecrets(xml: string): string {
  // Cheap pre-check: most SIP traffic carries none of these names.
  if (!/password|passwd|session-?key|credentials|secret|token/i.test(xml)) return xml;
  return xml.replace(XML_SECRET, (_all, open: string, _n: string, _v: string, close: string) => `${open}${MASK}${close}`);
}

/** Replaces each known secret (raw and XML-escaped) wherever it still appears. */
export function maskKnownSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_KNOWN_SECRET_LENGTH) continue;
    for (const form of new Set([secret, xmlEscape(secret), encodeURIComponent(secret)])) {
      out = out.replace(new RegExp(reEscape(form), 'g'), MASK);
    }
  }
  return out;
}

/** Everything the recorder applies before it keeps a message. */
export function maskMessage(protocol: string, raw: string, secrets: Iterable<string> = []): string {
  // Both rules run for every protocol: a SIP body can carry XML, and a SOAP fault can quote headers.
  const structural = maskXmlSecrets(maskSipAuthorization(raw));
  return maskKnownSecrets(structural, secrets);
}
