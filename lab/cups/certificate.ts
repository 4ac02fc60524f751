/**
 * Self-signed certificates for the lab's HTTPS servers, made fresh for each run with the
 * `openssl` command (so no key material is ever checked in). The certificate names
 * 127.0.0.1 and localhost, like a small CUPS install with its default self-signed certificate.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LabCertificate {
  key: string;
  cert: string;
  fingerprint256: string;
}

export function makeSelfSignedCertificate(commonName = 'Presence Desk lab CUPS'): LabCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'pd-lab-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        `/O=Presence Desk lab/CN=${commonName}`,
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert, fingerprint256: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A certificate issued by a private CA made for the run (the CA is not sent by the server and
 * is in nobody's trust store), as many company CUPS installs have.
 */
export function makePrivateCaCertificate(commonName = 'Presence Desk lab CUPS'): LabCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'pd-lab-ca-'));
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    run(['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-days', '2', '-subj', '/O=Presence Desk lab/CN=Lab private CA']);
    run(['req', ...ec, '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'req.csr'), '-subj', `/O=Presence Desk lab/CN=${commonName}`]);
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
    run([
      'x509',
      '-req',
      '-in',
      join(dir, 'req.csr'),
      '-CA',
      join(dir, 'ca.pem'),
      '-CAkey',
      join(dir, 'ca.key'),
      '-CAcreateserial',
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-extfile',
      join(dir, 'ext.cnf'),
    ]);
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert, fingerprint256: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
