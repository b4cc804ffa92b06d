/**
 * The recipients one message may have, the same in both stacks: SES's limit of 50 (To, Cc and Bcc
 * together), so the local outbox refuses what AWS would refuse.
 */
export const MAX_MAIL_RECIPIENTS = 50;

/** A message refused for its recipients; nothing was sent or written. */
export class InvalidRecipientsError extends Error {
  override name = 'InvalidRecipients' as const;
}

export function checkRecipients(to: readonly string[]): void {
  if (to.length === 0) throw new InvalidRecipientsError('a message needs at least one recipient');
  if (to.length > MAX_MAIL_RECIPIENTS) {
    throw new InvalidRecipientsError(
      `a message may have at most ${MAX_MAIL_RECIPIENTS} recipients (SES's limit), not ${to.length}`,
    );
  }
  for (const address of to) {
    if (address.trim() === '' || /[\r\n]/.test(address)) {
      throw new InvalidRecipientsError(`not a recipient address: ${JSON.stringify(address)}`);
    }
  }
}
