/**
 * Secret masking for the protocol trace. Runs on every message before the recorder keeps it,
 * so nothing secret is ever stored in memory, shown in the Diagnostics view or exported.
 *
 * Structural rules cover what the protocols carry:
 *  - SIP `Authorization` / `Proxy-Authorization` (and any `*-Authorization`) digest `response`
 *    values and Basic credentials;
 *  - SOAP `<password>` elements (CUPS login, WebDialer `Credential`), whatever their prefix or
 *    attributes, and `<session-key>` values in requests and the login answer;
 *  - any property whose name says password, secret, key, token or credential, in each shape
 *    servers use for named values: `<property name="Directory.Password">…</property>` (CUPS
 *    get-all-config, UCCN), `<name>…Password</name><value>…</value>` pairs, leaf elements
 *    (`<ldapPassword>…</ldapPassword>`), attributes (`password="…"`), JSON members and
 *    `name=value` parameters.
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

/**
 * Whether a property name says it holds a secret: one of its words (split at `.`, `_`, `-`,
 * `:`, spaces and camelCase humps) is password, passwd, pwd, passphrase, secret, key, token or
 * credential(s). `Directory.Password`, `session-key`, `apiKey` and `LDAP_SECRET` are secrets;
 * `keyword`, `Directory.Map.userid` and `Presence.Domain` are not.
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((w) => SECRET_WORDS.has(w) || w.endsWith('password') || w.endsWith('passwd') || w.endsWith('secret'));
}

const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'key', 'token', 'credential', 'credentials']);

/** Words that may appear in a secret name; a message with none of them skips the named-value rules. */
const MAY_NAME_SECRET = /pass|pwd|secret|key|token|credential/i;

/** `<p:el name="…">value</p:el>` (a leaf element whose `name` attribute names the property). */
const NAMED_ELEMENT = /(<((?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*)\b[^>]*?\bname\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>)([^<]*)(<\/\2\s*>)/g;
/** `<name>X</name>` followed by `<value>…</value>` (name/value pair shapes), any prefix. */
const NAME_VALUE_PAIR = /(<((?:[A-Za-z_][\w.-]*:)?)name\b[^>]*>\s*([^<]*?)\s*<\/\2name\s*>\s*<((?:[A-Za-z_][\w.-]*:)?)value\b[^>]*>)([^<]*)(<\/\4value\s*>)/gi;
/** A leaf element whose own tag names a secret: `<ldapPassword>…</ldapPassword>`. */
const LEAF_ELEMENT = /(<((?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*))(?:\s[^>]*)?>)([^<]+)(<\/\2\s*>)/g;
/** An attribute whose name says secret: `password="…"`. */
const SECRET_ATTRIBUTE = /(\s((?:[A-Za-z_][\w.-]*:)?[A-Za-z_][\w.-]*)\s*=\s*)("[^"]*"|'[^']*')/g;
/** A JSON member: `"apiKey": "…"`. */
const JSON_MEMBER = /("([^"\\]{1,80})"\s*:\s*)"((?:[^"\\]|\\.)*)"/g;
/** A query or form parameter: `?password=…&` (also `;`). */
const PARAMETER = /([?&;]|^)([A-Za-z_][\w.-]{0,80})=([^&;\s#"'<>]*)/gm;

/** Masks the values of properties whose names say they are secret, in every named-value shape. */
export function maskNamedSecrets(text: string): string {
  if (!MAY_NAME_SECRET.test(text)) return text;
  return text
    .replace(NAMED_ELEMENT, (all, open: string, _t: string, dq: string | undefined, sq: string | undefined, value: string, close: string) =>
      isSecretName(dq ?? sq ?? '') && value ? `${open}${MASK}${close}` : all,
    )
    .replace(NAME_VALUE_PAIR, (all, open: string, _p: string, name: string, _q: string, value: string, close: string) =>
      isSecretName(name) && value ? `${open}${MASK}${close}` : all,
    )
    .replace(LEAF_ELEMENT, (all, open: string, _t: string, local: string, value: string, close: string) =>
      isSecretName(local) && value.trim() && value !== MASK ? `${open}${MASK}${close}` : all,
    )
    .replace(SECRET_ATTRIBUTE, (all, lead: string, name: string, quoted: string) =>
      isSecretName(name) && quoted.length > 2 ? `${lead}${quoted[0]}${MASK}${quoted[0]}` : all,
    )
    .replace(JSON_MEMBER, (all, lead: string, name: string, value: string) => (isSecretName(name) && value ? `${lead}"${MASK}"` : all))
    .replace(PARAMETER, (all, sep: string, name: string, value: string) => (isSecretName(name) && value ? `${sep}${name}=${MASK}` : all));
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
  const structural = maskNamedSecrets(maskXmlSecrets(maskSipAuthorization(raw)));
  return maskKnownSecrets(structural, secrets);
}
