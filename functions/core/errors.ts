/**
 * Every error the service raises on purpose. `name` is a string literal on each class, because bundlers
 * rename classes and Step Functions Retry/Catch match on the error name.
 */
export abstract class CertwrightError extends Error {
  abstract readonly code: string;
}

/** Errors a caller of the ACM API caused; the API front end maps `code` to the wire `__type`. */
export abstract class ClientError extends CertwrightError {}

export class ValidationError extends ClientError {
  override name = 'ValidationException' as const;
  readonly code = 'ValidationException';
}
export class InvalidArnError extends ClientError {
  override name = 'InvalidArnException' as const;
  readonly code = 'InvalidArnException';
}
export class InvalidArgsError extends ClientError {
  override name = 'InvalidArgsException' as const;
  readonly code = 'InvalidArgsException';
}
export class InvalidParameterError extends ClientError {
  override name = 'InvalidParameterException' as const;
  readonly code = 'InvalidParameterException';
}
export class InvalidDomainValidationOptionsError extends ClientError {
  override name = 'InvalidDomainValidationOptionsException' as const;
  readonly code = 'InvalidDomainValidationOptionsException';
}
export class InvalidTagError extends ClientError {
  override name = 'InvalidTagException' as const;
  readonly code = 'InvalidTagException';
}
export class TooManyTagsError extends ClientError {
  override name = 'TooManyTagsException' as const;
  readonly code = 'TooManyTagsException';
}
export class LimitExceededError extends ClientError {
  override name = 'LimitExceededException' as const;
  readonly code = 'LimitExceededException';
}
export class ResourceNotFoundError extends ClientError {
  override name = 'ResourceNotFoundException' as const;
  readonly code = 'ResourceNotFoundException';
}
export class RequestInProgressError extends ClientError {
  override name = 'RequestInProgressException' as const;
  readonly code = 'RequestInProgressException';
}
export class ResourceInUseError extends ClientError {
  override name = 'ResourceInUseException' as const;
  readonly code = 'ResourceInUseException';
}
export class InvalidStateError extends ClientError {
  override name = 'InvalidStateException' as const;
  readonly code = 'InvalidStateException';
}
export class ConflictError extends ClientError {
  override name = 'ConflictException' as const;
  readonly code = 'ConflictException';
}

/** A versioned write lost a race; the caller re-reads and tries again. */
export class ConcurrentModificationError extends CertwrightError {
  override name = 'ConcurrentModification' as const;
  readonly code = 'ConcurrentModification';
}

/** A serial number that is already reserved (astronomically unlikely with 128 random bits). */
export class SerialCollisionError extends CertwrightError {
  override name = 'SerialCollision' as const;
  readonly code = 'SerialCollision';
}

/** Issuance was asked for a certificate whose names are not all validated: a bug upstream, never retried. */
export class CertificateNotValidatedError extends CertwrightError {
  override name = 'CertificateNotValidated' as const;
  readonly code = 'CertificateNotValidated';
}

/**
 * Another run of the issue step holds the claim to sign this certificate: retried later, when the other run
 * has issued it (the retry then finds it ISSUED) or its claim has lapsed.
 */
export class IssuanceInProgressError extends CertwrightError {
  override name = 'IssuanceInProgress' as const;
  readonly code = 'IssuanceInProgress';
}

/** A certificate failed the pre-signing lint or the post-signing verification: never hand it out. */
export class CertificateLintError extends CertwrightError {
  override name = 'CertificateLintFailed' as const;
  readonly code = 'CertificateLintFailed';
}

/**
 * The CA key is an intermediate CA whose CSR waits for the external root's signature: nothing can be issued
 * until the signed certificate is installed by a deploy.
 */
export class CaCertificateNotInstalledError extends CertwrightError {
  override name = 'CaCertificateNotInstalled' as const;
  readonly code = 'CaCertificateNotInstalled';
}

/** CAA forbids this CA to issue for a name on the certificate: final, never retried. */
export class CaaForbiddenError extends CertwrightError {
  override name = 'CaaForbidden' as const;
  readonly code = 'CaaForbidden';
}
