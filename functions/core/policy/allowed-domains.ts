import { InvalidParameterError } from '../errors.ts';
import { namesNotAllowed } from './policy-entries.ts';

/**
 * Refuses a request with a name outside a non-empty allow list, before anything is stored. ACM has no
 * error for this (its own domain restrictions are IAM conditions, answered with AccessDeniedException,
 * which clients take for a credentials problem); InvalidParameterException is its error for a request
 * parameter this service will not take, as for an unsupported ValidationMethod.
 */
export function checkAllowedDomains(names: readonly string[], allowed: readonly string[]): void {
  const refused = namesNotAllowed(names, allowed);
  if (refused.length === 0) return;
  const subject = refused.length === 1 ? 'Domain name' : 'Domain names';
  const verb = refused.length === 1 ? 'is' : 'are';
  throw new InvalidParameterError(
    `${subject} ${refused.join(', ')} ${verb} not allowed here: this deployment certifies only ` +
      `${allowed.join(', ')} (a leading dot means the domain and every name below it).`,
  );
}
