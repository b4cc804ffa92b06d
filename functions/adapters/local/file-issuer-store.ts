import { readFile } from 'node:fs/promises';
import type { IssuerCertificateStore, StoredIssuerCertificate } from '../../core/issuance/bootstrap-ca.ts';
import { writeNewFile } from './secret-files.ts';

/** The local CA certificate as a PEM file (a root: no chain above it); written once, never replaced. */
export function fileIssuerStore(path: string): IssuerCertificateStore {
  return {
    async current(): Promise<StoredIssuerCertificate | undefined> {
      try {
        return { certificatePem: await readFile(path, 'utf8'), chainPem: [] };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async saveIfAbsent(certificate: StoredIssuerCertificate): Promise<boolean> {
      try {
        await writeNewFile(path, certificate.certificatePem, 0o644);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    },
  };
}
