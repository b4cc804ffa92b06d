import { createHash } from 'node:crypto';
import type { Random } from '../ports.ts';

const TOKEN_BYTES = 32;
/** 32 bytes in unpadded base64url. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A fresh approval token: 256 random bits, base64url without padding, safe in a URL path. Only the mail
 * carries it; the store keeps its hash (approvalTokenHash), so a leaked table grants no approvals.
 */
export function newApprovalToken(random: Random): string {
  const bytes = random.bytes(TOKEN_BYTES);
  if (bytes.length !== TOKEN_BYTES)
    throw new Error(`expected ${TOKEN_BYTES} random bytes, got ${bytes.length}`);
  return Buffer.from(bytes).toString('base64url');
}

/** What is stored and looked up for a token: its SHA-256, lowercase hex. */
export function approvalTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True for a string shaped like a token newApprovalToken makes; anything else cannot be one. */
export function isApprovalTokenShape(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}
