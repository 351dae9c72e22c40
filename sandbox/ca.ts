import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

/**
 * A local certificate authority and the `localhost` server certificate it signed.
 * msal-node refuses `http://` authorities and the Graph client drops the Authorization header on
 * non-HTTPS hosts, so the login and Graph emulators need real TLS that a client can be told to trust.
 */
export interface LocalCa {
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const FILES = { ca: 'ca.pem', cert: 'localhost.pem', key: 'localhost-key.pem' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

let generated: LocalCa | undefined;

/**
 * Reuses the certificates already in `stateDir` when they are still good, so a developer can point
 * NODE_EXTRA_CA_CERTS at `stateDir/ca.pem` once and keep it across restarts; otherwise generates
 * (once per process) and writes them there. The CA's private key is discarded after signing and
 * never written: a leaked ca.pem lets nobody mint certificates.
 */
export function loadOrCreateLocalCa(stateDir: string): LocalCa & { caCertPath: string } {
  mkdirSync(stateDir, { recursive: true });
  const caCertPath = path.join(stateDir, FILES.ca);
  const existing = readIfUsable(stateDir);
  if (existing) return { ...existing, caCertPath };
  generated ??= generateLocalCa();
  writeFileSync(caCertPath, generated.caCertPem);
  writeFileSync(path.join(stateDir, FILES.cert), generated.serverCertPem);
  writeFileSync(path.join(stateDir, FILES.key), generated.serverKeyPem, { mode: 0o600 });
  return { ...generated, caCertPath };
}

function readIfUsable(stateDir: string): LocalCa | undefined {
  const files = Object.values(FILES).map((f) => path.join(stateDir, f));
  if (!files.every((f) => existsSync(f))) return undefined;
  try {
    const [caCertPem, serverCertPem, serverKeyPem] = files.map((f) => readFileSync(f, 'utf8'));
    const ca = new X509Certificate(caCertPem);
    const server = new X509Certificate(serverCertPem);
    const fresh =
      Date.parse(server.validTo) - Date.now() > DAY_MS && Date.parse(ca.validTo) - Date.now() > DAY_MS;
    if (fresh && server.verify(ca.publicKey) && server.checkHost('localhost')) {
      return { caCertPem, serverCertPem, serverKeyPem };
    }
  } catch {
    // Unreadable or foreign files: fall through and replace them.
  }
  return undefined;
}

function generateLocalCa(): LocalCa {
  const caKeys = rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  setValidity(ca, 365);
  const caName = [
    { name: 'commonName', value: 'Tenant association sandbox CA (local only)' },
    { name: 'organizationName', value: 'Sandbox' },
  ];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = serverKeys.publicKey;
  cert.serialNumber = serialNumber();
  setValidity(cert, 365);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
        { type: 7, ip: '::1' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caCertPem: forge.pki.certificateToPem(ca),
    serverCertPem: forge.pki.certificateToPem(cert),
    serverKeyPem: forge.pki.privateKeyToPem(serverKeys.privateKey),
  };
}

// node-forge's own RSA generation takes seconds in pure JS; Node's is native.
function rsaKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function serialNumber(): string {
  // Positive (high bit clear) 16-byte serial, as RFC 5280 asks.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function setValidity(cert: forge.pki.Certificate, days: number): void {
  // Backdated a day so a client whose clock lags a little still accepts it.
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + days * DAY_MS);
}
