import type { RequestCertificateDeps } from '../core/certificates/request-certificate.ts';
import type {
  CrlRefresh,
  DomainProbe,
  EventPublisher,
  KeyVault,
  Mailer,
  RevocationStore,
} from '../core/ports.ts';
import type { WireInput } from './wire-input.ts';

/**
 * What the operations use: RequestCertificate's deps, the mailer ResendValidationEmail sends with,
 * CheckDomains' DNS probe and test for names in the deployment's own zones, the key vault that seals
 * imported keys and opens keys for export, the event publisher for import and revocation events, and for
 * RevokeCertificate the revocation list and the request for a new CRL (the API itself never signs one).
 */
export type ApiServices = RequestCertificateDeps & {
  mailer: Mailer;
  probe: DomainProbe;
  ownZone: (name: string) => boolean;
  vault: KeyVault;
  events: EventPublisher;
  revocations: RevocationStore;
  crlRefresh: CrlRefresh;
};

/** One ACM operation: the caller's account and the parsed JSON body in, the JSON result out. */
export type Operation = (services: ApiServices, accountId: string, input: WireInput) => Promise<object>;
