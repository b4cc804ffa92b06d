import type { CaSigner, Clock, CrlPublisher, IssuerSource, Random, RevocationStore } from '../ports.ts';
import { buildCrl, listedRevocations } from './build-crl.ts';

export interface PublishCrlDeps {
  signer: CaSigner;
  issuer: IssuerSource;
  revocations: RevocationStore;
  publisher: CrlPublisher;
  clock: Clock;
  random: Random;
}

/** Longer than a publish takes (the AWS function may run a minute); a crashed holder's lease lapses. */
export const PUBLISH_LEASE_MS = 5 * 60 * 1000;

export interface PublishedCrl {
  /** Decimal; a string, since it may outgrow a JSON number. */
  crlNumber: string;
  entries: number;
  thisUpdate: string;
}

/**
 * Regenerates the whole CRL from the revocations recorded and publishes it, holding the publish lease, so two
 * publishes never race and an older CRL never overwrites a newer one. A publish that finds the lease taken
 * does nothing (undefined): the holder, after giving the lease back, reads the revocations again and publishes
 * once more if any was recorded meanwhile. The CRL number is taken under the lease, before the list is read,
 * so a CRL with a higher number never lists fewer revocations.
 */
export async function publishCrl(deps: PublishCrlDeps): Promise<PublishedCrl | undefined> {
  let published: PublishedCrl | undefined;
  for (;;) {
    const holder = deps.random.uuid();
    const now = deps.clock.now();
    if (
      !(await deps.revocations.acquirePublishLease(holder, now, new Date(now.getTime() + PUBLISH_LEASE_MS)))
    )
      return published;
    let listed: string;
    try {
      ({ published, listed } = await publishUnderLease(deps));
    } finally {
      await deps.revocations.releasePublishLease(holder);
    }
    if (revocationsKey(await deps.revocations.listRevocations()) === listed) return published;
  }
}

async function publishUnderLease(deps: PublishCrlDeps): Promise<{ published: PublishedCrl; listed: string }> {
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
    published: {
      crlNumber: crlNumber.toString(),
      entries: listedRevocations(revocations, thisUpdate).length,
      thisUpdate: thisUpdate.toISOString(),
    },
    listed: revocationsKey(revocations),
  };
}

/** What a CRL was built from: the serials recorded (entries are never removed, only added). */
function revocationsKey(revocations: Array<{ serialHex: string }>): string {
  return revocations
    .map((entry) => entry.serialHex)
    .sort()
    .join(',');
}
