import { cryptoRandom } from '../../../functions/adapters/runtime/crypto-random.ts';
import type { ApiServices } from '../../../functions/api/api-services.ts';
import type { CertificateStore, Clock } from '../../../functions/core/ports.ts';
import { RecordingEvents } from '../../support/recording-events.ts';
import { UNUSED_CRL_REFRESH, UNUSED_REVOCATIONS } from '../../support/unused-revocations.ts';
import { UNUSED_VAULT } from '../../support/unused-vault.ts';
import { HmacMac, RecordingWorkflow, TEST_SETTINGS } from '../core/core-fixtures.ts';

/**
 * The API's services for a handler test, on the given store and clock: the test MAC and settings, a
 * recording workflow and event log, and ports the test does not use that fail when used anyway.
 */
export function testApiServices(
  store: CertificateStore,
  clock: Clock,
  overrides: Partial<ApiServices> = {},
): ApiServices {
  return {
    store,
    workflow: new RecordingWorkflow(),
    clock,
    random: cryptoRandom,
    mac: new HmacMac(),
    settings: TEST_SETTINGS,
    caAlgorithm: 'RSA_2048',
    issuerName: 'Certwright Test',
    mailer: { send: () => Promise.reject(new Error('this test sends no mail')) },
    probe: { probe: () => Promise.reject(new Error('this test probes no names')) },
    ownZone: () => false,
    vault: UNUSED_VAULT,
    events: new RecordingEvents(),
    revocations: UNUSED_REVOCATIONS,
    crlRefresh: UNUSED_CRL_REFRESH,
    ...overrides,
  };
}
