/**
 * Real keys and certificates made by the openssl CLI in a temporary directory: root and intermediate CAs,
 * leaf certificates with any validity window (expired, not yet valid), keys in every PEM form ACM accepts
 * and some it refuses. Certificates are signed with `openssl ca`, which takes explicit start and end dates
 * (OpenSSL 3.0's `x509`/`req` only take `-days`).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Key types by ACM's KeyAlgorithm names, plus ones ACM refuses (secp256k1, Ed25519). */
export type OpensslKeyType =
  | 'RSA_1024'
  | 'RSA_2048'
  | 'RSA_3072'
  | 'RSA_4096'
  | 'EC_prime256v1'
  | 'EC_secp384r1'
  | 'EC_secp521r1'
  | 'EC_secp256k1'
  | 'ED25519';

const GENPKEY_ARGS: Record<OpensslKeyType, string[]> = {
  RSA_1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  RSA_2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  RSA_3072: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
  RSA_4096: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096'],
  EC_prime256v1: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  EC_secp384r1: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  EC_secp521r1: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  EC_secp256k1: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'],
  ED25519: ['-algorithm', 'ED25519'],
};

export interface OpensslKey {
  type: OpensslKeyType;
  path: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`). */
  pem: string;
}

export interface OpensslCertificate {
  /** The subject as given, e.g. `/C=AU/O=Example/CN=www.example.test`. */
  subject: string;
  path: string;
  pem: string;
  key: OpensslKey;
}

/** A validity window: `days` from an hour ago, or explicit dates. */
export interface Validity {
  days?: number;
  notBefore?: Date;
  notAfter?: Date;
}

export interface CaOptions extends Validity {
  subject?: string;
  keyType?: OpensslKeyType;
  /** The CA that signs this one (an intermediate); a self-signed root when omitted. */
  issuer?: OpensslCertificate;
  /** `-md` of the signature (sha256 unless given). */
  digest?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
}

export interface LeafOptions extends Validity {
  /** The signing CA; the leaf signs itself when omitted. */
  issuer?: OpensslCertificate;
  /** `/CN=...` of the first name unless given; `''` for an empty subject. */
  subject?: string;
  /** DNS names written into subjectAltName (none when empty). */
  names?: string[];
  keyType?: OpensslKeyType;
  /** An existing key instead of a fresh one of `keyType`. */
  key?: OpensslKey;
  keyUsage?: string;
  extendedKeyUsage?: string;
  /** Raw extension lines added to the leaf's extension section. */
  extraExtensions?: string[];
  digest?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** A temporary directory where openssl makes keys and certificates; `cleanup` removes it. */
export class OpensslWorkbench {
  private count = 0;

  private constructor(readonly directory: string) {}

  static async create(): Promise<OpensslWorkbench> {
    return new OpensslWorkbench(await mkdtemp(join(tmpdir(), 'certwright-openssl-')));
  }

  cleanup(): Promise<void> {
    return rm(this.directory, { recursive: true, force: true });
  }

  /** Writes `content` to a file in the directory and answers its path. */
  async file(name: string, content: string | Uint8Array): Promise<string> {
    const path = join(this.directory, name);
    await writeFile(path, content);
    return path;
  }

  async makeKey(type: OpensslKeyType): Promise<OpensslKey> {
    const path = this.path(`key-${type}`, 'pem');
    await openssl(['genpkey', ...GENPKEY_ARGS[type], '-out', path], this.directory);
    return { type, path, pem: await readFile(path, 'utf8') };
  }

  /** The key in OpenSSL's traditional form: PKCS#1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY`. */
  async traditionalPem(key: OpensslKey): Promise<string> {
    return (await openssl(['pkey', '-in', key.path, '-traditional'], this.directory)).stdout;
  }

  /** The key encrypted under `passphrase`: PKCS#8 `ENCRYPTED PRIVATE KEY`, or traditional with DEK-Info. */
  async encryptedPem(key: OpensslKey, passphrase: string, form: 'pkcs8' | 'traditional'): Promise<string> {
    const traditional = form === 'traditional' ? ['-traditional'] : [];
    const args = ['pkey', '-in', key.path, ...traditional, '-aes256', '-passout', `pass:${passphrase}`];
    return (await openssl(args, this.directory)).stdout;
  }

  /** A CA certificate: a self-signed root, or an intermediate when `issuer` is given. */
  async makeCa(options: CaOptions = {}): Promise<OpensslCertificate> {
    const key = await this.makeKey(options.keyType ?? 'EC_prime256v1');
    const subject = options.subject ?? `/O=Certwright Test/CN=Test CA ${this.count + 1}`;
    const extensions = [
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign,digitalSignature',
      'subjectKeyIdentifier = hash',
      ...(options.issuer ? ['authorityKeyIdentifier = keyid'] : []),
    ];
    return this.sign({
      subject,
      key,
      issuer: options.issuer,
      extensions,
      validity: options,
      digest: options.digest,
    });
  }

  /** A leaf (end-entity) certificate, signed by `issuer` or by itself. */
  async makeLeaf(options: LeafOptions = {}): Promise<OpensslCertificate> {
    const key = options.key ?? (await this.makeKey(options.keyType ?? 'EC_prime256v1'));
    const names = options.names ?? ['www.example.test'];
    const subject = options.subject ?? (names[0] ? `/CN=${names[0]}` : '/O=Certwright Test');
    const rsa = key.type.startsWith('RSA');
    const extensions = [
      'basicConstraints = critical,CA:FALSE',
      `keyUsage = ${options.keyUsage ?? (rsa ? 'critical,digitalSignature,keyEncipherment' : 'critical,digitalSignature')}`,
      `extendedKeyUsage = ${options.extendedKeyUsage ?? 'serverAuth'}`,
      ...(names.length > 0 ? [`subjectAltName = ${names.map((name) => `DNS:${name}`).join(',')}`] : []),
      'subjectKeyIdentifier = hash',
      ...(options.issuer ? ['authorityKeyIdentifier = keyid'] : []),
      ...(options.extraExtensions ?? []),
    ];
    return this.sign({
      subject,
      key,
      issuer: options.issuer,
      extensions,
      validity: options,
      digest: options.digest,
    });
  }

  private async sign(request: {
    subject: string;
    key: OpensslKey;
    issuer?: OpensslCertificate;
    extensions: string[];
    validity: Validity;
    digest?: string;
  }): Promise<OpensslCertificate> {
    const { subject, key, issuer } = request;
    const work = join(this.directory, `ca-${this.next()}`);
    await mkdir(join(work, 'newcerts'), { recursive: true });
    await writeFile(join(work, 'index.txt'), '');
    await writeFile(join(work, 'serial.txt'), '01\n');
    await writeFile(join(work, 'ca.cnf'), caConfig(request.extensions));
    const csr = join(work, 'request.csr');
    const out = join(work, 'certificate.pem');
    // openssl needs some subject in the CSR; `openssl ca -subj` sets the certificate's own.
    await openssl(['req', '-new', '-key', key.path, '-subj', '/CN=request', '-out', csr], work);
    const { notBefore, notAfter } = validityWindow(request.validity);
    const signer = issuer
      ? ['-cert', issuer.path, '-keyfile', issuer.key.path]
      : ['-selfsign', '-keyfile', key.path];
    const digest =
      key.type === 'ED25519' || issuer?.key.type === 'ED25519' ? [] : ['-md', request.digest ?? 'sha256'];
    await openssl(
      [
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        ...signer,
        '-in',
        csr,
        '-out',
        out,
        '-subj',
        subject === '' ? '/' : subject,
        '-preserveDN',
        '-startdate',
        opensslTime(notBefore),
        '-enddate',
        opensslTime(notAfter),
        '-extfile',
        'ca.cnf',
        '-extensions',
        'certificate_extensions',
        '-notext',
        '-rand_serial',
        ...digest,
      ],
      work,
    );
    return { subject, path: out, pem: await readFile(out, 'utf8'), key };
  }

  private path(prefix: string, extension: string): string {
    return join(this.directory, `${prefix}-${this.next()}.${extension}`);
  }

  private next(): number {
    this.count += 1;
    return this.count;
  }
}

/** The chain PEM of `certificates`, in the order given. */
export function chainPem(...certificates: OpensslCertificate[]): string {
  return certificates.map((certificate) => certificate.pem).join('');
}

function caConfig(extensions: string[]): string {
  return [
    '[ ca ]',
    'default_ca = signer',
    '[ signer ]',
    'database = index.txt',
    'serial = serial.txt',
    'new_certs_dir = newcerts',
    'default_md = sha256',
    'policy = any_subject',
    'unique_subject = no',
    'email_in_dn = no',
    '[ any_subject ]',
    'commonName = optional',
    '[ certificate_extensions ]',
    ...extensions,
    '',
  ].join('\n');
}

function validityWindow(validity: Validity): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  const notBefore = validity.notBefore ?? new Date(now - HOUR_MS);
  const notAfter = validity.notAfter ?? new Date(now + (validity.days ?? 30) * DAY_MS);
  return { notBefore, notAfter };
}

/** `YYYYMMDDHHMMSSZ`, the GeneralizedTime form `openssl ca -startdate/-enddate` take. */
function opensslTime(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** Runs openssl with no standard input (a closed pipe it never reads could fail the write). */
function openssl(args: string[], cwd: string): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, { cwd }, (error, stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve({ stdout });
    });
    child.stdin?.end();
  });
}
