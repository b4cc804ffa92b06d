import type { Random } from '../ports.ts';

const RANDOM_BYTES = 16;
/** Keeps the DER INTEGER positive, non-zero and free of leading zero bytes whatever the random bytes are. */
const PREFIX = '01';

/**
 * A fresh certificate serial: a 0x01 byte and 16 bytes (128 bits) from the CSPRNG, as lowercase hex (34
 * characters). The value lies in [2^128, 2^129): positive, far below the 2^159 limit, and always 17 bytes
 * in the certificate, so the hex is the certificate's canonical serial (what X509Certificate.serialNumber
 * reads back).
 */
export function newSerialHex(random: Random): string {
  const bytes = random.bytes(RANDOM_BYTES);
  if (bytes.length !== RANDOM_BYTES)
    throw new Error(`Random returned ${bytes.length} bytes, not ${RANDOM_BYTES}`);
  return `${PREFIX}${Buffer.from(bytes).toString('hex')}`;
}
