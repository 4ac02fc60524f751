/**
 * The lab Kamailio's TLS identity: a self-signed certificate for 127.0.0.1, localhost and the
 * lab domain, made per run with the `openssl` command-line tool in the run directory, and the
 * Kamailio `tls` module configuration that uses it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabTlsCertificate {
  /** The certificate (PEM): what a client adds to its trust. */
  certificate: string;
  certificateFile: string;
  keyFile: string;
  /** Kamailio tls module configuration file. */
  configFile: string;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new Error(missing ? `${command} is missing: install openssl (bash scripts/setup.sh)` : `${command} failed: ${stderr.trim() || error.message}`));
    });
  });
}

export async function makeTlsCertificate(dir: string, domain: string, subjectNames: string[] = []): Promise<LabTlsCertificate> {
  const certificateFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  const names = ['IP:127.0.0.1', 'DNS:localhost', `DNS:${domain}`, ...subjectNames];
  // P-256 keys: made in milliseconds, unlike RSA, and every TLS stack accepts them.
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certificateFile,
    '-days',
    '2',
    '-subj',
    `/CN=${domain}`,
    '-addext',
    `subjectAltName=${names.join(',')}`,
  ]);
  const configFile = join(dir, 'tls.cfg');
  writeFileSync(
    configFile,
    [
      '[server:default]',
      'method = TLSv1.2+',
      'verify_certificate = no',
      'require_certificate = no',
      `private_key = ${keyFile}`,
      `certificate = ${certificateFile}`,
      '',
    ].join('\n'),
  );
  return { certificate: readFileSync(certificateFile, 'utf8'), certificateFile, keyFile, configFile };
}
