import type { CaSigner, Clock, CrlPublisher, IssuerSource, RevocationStore } from '../ports.ts';
import { buildCrl, listedRevocations } from './build-crl.ts';

export interface PublishCrlDeps {
  signer: CaSigner;
  issuer: IssuerSource;
  revocations: RevocationStore;
  publisher: CrlPublisher;
  clock: Clock;
}

export interface PublishedCrl {
  /** Decimal; a string, since it may outgrow a JSON number. */
  crlNumber: string;
  entries: number;
  thisUpdate: string;
}

/**
 * Regenerates the whole CRL from the revocations recorded and publishes it. The CRL number is taken before
 * the list is read, so a CRL with a higher number never lists fewer revocations than one with a lower number
 * (a revocation recorded after the read gets its own, later publish).
 */
export async function publishCrl(deps: PublishCrlDeps): Promise<PublishedCrl> {
  const { certificatePem } = await deps.issuer.current();
  const crlNumber = await deps.revocations.nextCrlNumber();
  const revocations = await deps.revocations.listRevocations();
  const thisUpdate = deps.clock.now();
  const crl = await buildCrl({
    signer: deps.signer,
    caCertificatePem: certificatePem,
    revocations,
    crlNumber,
    thisUpdate,
  });
  await deps.publisher.publish(crl);
  return {
    crlNumber: crlNumber.toString(),
    entries: listedRevocations(revocations, thisUpdate).length,
    thisUpdate: thisUpdate.toISOString(),
  };
}
