import type { CrlRefresh, RevocationStore } from '../../functions/core/ports.ts';

/** A revocation list for compositions whose tests never revoke: any use fails the test. */
export const UNUSED_REVOCATIONS: RevocationStore = {
  recordRevocation: () => Promise.reject(new Error('this test does not revoke certificates')),
  listRevocations: () => Promise.reject(new Error('this test does not read the revocation list')),
  nextCrlNumber: () => Promise.reject(new Error('this test does not make CRLs')),
  acquirePublishLease: () => Promise.reject(new Error('this test does not publish CRLs')),
  releasePublishLease: () => Promise.reject(new Error('this test does not publish CRLs')),
};

/** A CRL refresh for compositions whose tests never revoke: any use fails the test. */
export const UNUSED_CRL_REFRESH: CrlRefresh = {
  request: () => Promise.reject(new Error('this test does not refresh the CRL')),
};
