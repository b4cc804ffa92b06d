import type { Random } from '../ports.ts';

const SERIAL_BYTES = 16;

/**
 * A fresh certificate serial: 16 bytes from the CSPRNG as lowercase hex (32 characters).
 *
 * The top bit of the first byte is cleared, so the DER INTEGER is positive without a sign byte, and the
 * next bit is set, so the value is never zero, never has a leading zero byte, and is always exactly 16
 * bytes long in the certificate. The hex is therefore the certificate's canonical serial (what
 * X509Certificate.serialNumber reads back). That leaves 126 random bits (the BRs ask for at least 64).
 */
export function newSerialHex(random: Random): string {
  const bytes = Uint8Array.from(random.bytes(SERIAL_BYTES));
  if (bytes.length !== SERIAL_BYTES) {
    throw new Error(`Random returned ${bytes.length} bytes, not ${SERIAL_BYTES}`);
  }
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return Buffer.from(bytes).toString('hex');
}
