import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../../src/core/util/exec.ts';

export interface PrivateCa {
  /** PEM file of the CA certificate: what NODE_EXTRA_CA_CERTS / AWS_CA_BUNDLE point at. */
  caFile: string;
  ca: string;
  /** A server certificate and key signed by the CA, for the given names and IP addresses. */
  certFile: string;
  keyFile: string;
}

/** A throw-away private CA and one server certificate, made with openssl in `dir`. */
export async function makePrivateCa(dir: string, names: string[], ips: string[] = []): Promise<PrivateCa> {
  const file = (name: string) => join(dir, name);
  const openssl = async (args: string[]) => {
    const result = await exec('openssl', args);
    if (result.code !== 0) throw new Error(`openssl ${args[0]}: ${result.stderr}`);
  };
  await openssl([
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', '/CN=golden-actions test CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  ]);
  await openssl([
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key')],
    ...['-out', file('server.csr'), '-subj', `/CN=${names[0] ?? ips[0]}`],
  ]);
  const san = [...names.map((n) => `DNS:${n}`), ...ips.map((ip) => `IP:${ip}`)].join(',');
  writeFileSync(
    file('server.ext'),
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl([
    ...['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
    ...['-CAcreateserial', '-days', '2', '-out', file('server.pem'), '-extfile', file('server.ext')],
  ]);
  return {
    caFile: file('ca.pem'),
    ca: readFileSync(file('ca.pem'), 'utf8'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
  };
}
