/**
 * Every property whose name says it is secret is masked before a message is kept, in each shape
 * servers send named values; checked on the CUPS guide's own get-all-config and UCCN examples.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceRecorder, isSecretName, maskMessage, MASK } from '../../../core/diagnostics';

/** A fixture without its first line (which names its source). */
const fixture = (name: string) =>
  readFileSync(join(__dirname, '../../fixtures/diagnostics', name), 'utf8')
    .split('\n')
    .slice(1)
    .join('\n');

const DIRECTORY_PASSWORD = 'Ldap-Bind-Pw-4242';

describe('secret names', () => {
  it('says which property names hold secrets', () => {
    for (const name of [
      'Directory.Password',
      'password',
      'session-key',
      'sessionKey',
      'apiKey',
      'LDAP_SECRET',
      'client_secret',
      'Api.Token',
      'ldapPassword',
      'userPasswd',
      'Key',
      'credentials',
      'privateKey',
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of [
      'Directory.Map.userid',
      'Presence.Domain',
      'keyword',
      'Directory.DN',
      'Directory.AnonymousBind',
      'name',
      'monkey',
      'passenger',
      'Security',
    ])
      expect(isSecretName(name), name).toBe(false);
  });
});

describe('masking named secrets', () => {
  it('masks Directory.Password in the guide’s get-all-config response and keeps the rest', () => {
    const guide = fixture('get-all-config-response.txt');
    expect(guide).toContain('<epas:property name="Directory.Password"></epas:property>');
    const answer = guide.replace(
      '<epas:property name="Directory.Password"></epas:property>',
      `<epas:property name="Directory.Password">${DIRECTORY_PASSWORD}</epas:property>`,
    );
    const masked = maskMessage('soap', answer);
    expect(masked).not.toContain(DIRECTORY_PASSWORD);
    expect(masked).toContain(`<epas:property name="Directory.Password">${MASK}</epas:property>`);
    // Everything else is left as the server sent it.
    expect(masked.replace(MASK, DIRECTORY_PASSWORD)).toBe(answer);
    expect(masked).toContain('<epas:property name="Presence.Domain">cisco.com</epas:property>');
  });

  it('masks Directory.Password in the guide’s UCCN LDAP profile change', () => {
    const uccn = fixture('uccn-ldap-profile.txt');
    expect(uccn).toContain('<epas:property name="Directory.Password">12345</epas:property>');
    const masked = maskMessage('soap', uccn);
    expect(masked).toContain(`<epas:property name="Directory.Password">${MASK}</epas:property>`);
    expect(masked).toContain('<epas:property name="Directory.DN">ldapdn</epas:property>');
  });

  it('masks every named-value shape: name/value pairs, leaf elements, attributes, JSON, parameters', () => {
    const cases: [string, string][] = [
      ['<item><name>Directory.Password</name><value>s3cr3t-1</value></item>', 's3cr3t-1'],
      ["<ns:name>ldapPassword</ns:name> <ns:value type='x'>s3cr3t-2</ns:value>", 's3cr3t-2'],
      ['<cfg><ldapPassword>s3cr3t-3</ldapPassword></cfg>', 's3cr3t-3'],
      ['<a:clientSecret xsi:type="xsd:string">s3cr3t-4</a:clientSecret>', 's3cr3t-4'],
      ['<Credential userID="alex" password="s3cr3t-5"/>', 's3cr3t-5'],
      ['{"user":"alex","apiKey":"s3cr3t-6"}', 's3cr3t-6'],
      ['GET /webdialer?user=alex&password=s3cr3t-7&x=1 HTTP/1.1', 's3cr3t-7'],
      ["<property name='Api.Token'>s3cr3t-8</property>", 's3cr3t-8'],
    ];
    for (const [message, secret] of cases) {
      const masked = maskMessage('soap', message);
      expect(masked, message).not.toContain(secret);
      expect(masked, message).toContain(MASK);
    }
    // Names that do not say secret stay readable.
    const plain = '<item><name>Directory.DN</name><value>cn=admin</value></item><keyword>x</keyword>{"user":"alex"}';
    expect(maskMessage('soap', plain)).toBe(plain);
  });

  it('keeps no directory password in the recorder, its view or its export', () => {
    const recorder = new TraceRecorder();
    const answer = fixture('get-all-config-response.txt').replace('name="Directory.Password"></', `name="Directory.Password">${DIRECTORY_PASSWORD}</`);
    recorder.record({ protocol: 'soap', direction: 'in', peer: 'https://cups.example.com/EPASSoap/service', operation: 'get-all-config', raw: answer });
    const [entry] = recorder.list();
    expect(recorder.get(entry!.id)!.text).not.toContain(DIRECTORY_PASSWORD);
    expect(recorder.exportText()).not.toContain(DIRECTORY_PASSWORD);
    expect(recorder.exportText()).toContain('Directory.Password');
  });
});
