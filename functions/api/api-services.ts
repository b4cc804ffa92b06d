import type { RequestCertificateDeps } from '../core/certificates/request-certificate.ts';
import type { DomainProbe, EventPublisher, KeyVault, Mailer } from '../core/ports.ts';
import type { WireInput } from './wire-input.ts';

/**
 * What the operations use: RequestCertificate's deps, the mailer ResendValidationEmail sends with,
 * CheckDomains' DNS probe and test for names in the deployment's own zones, the key vault that seals
 * imported keys and opens keys for export, and the event publisher for import and revocation events.
 */
export type ApiServices = RequestCertificateDeps & {
  mailer: Mailer;
  probe: DomainProbe;
  ownZone: (name: string) => boolean;
  vault: KeyVault;
  events: EventPublisher;
};

/** One ACM operation: the caller's account and the parsed JSON body in, the JSON result out. */
export type Operation = (services: ApiServices, accountId: string, input: WireInput) => Promise<object>;
