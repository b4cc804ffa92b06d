import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CertificateArnParts,
  certificateArn,
  parseCertificateArn,
} from '../../../functions/core/arn.ts';
import { InvalidArnError, ValidationError } from '../../../functions/core/errors.ts';
import { errorFrom } from '../../support/thrown.ts';

const ARN = 'arn:aws:acm:us-east-1:111122223333:certificate/12345678-90ab-4cde-8f01-234567890abc';

const parts: fc.Arbitrary<CertificateArnParts> = fc.record({
  partition: fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b'),
  region: fc.stringMatching(/^[a-z]{2}(-[a-z]+)+-[0-9]$/),
  accountId: fc.stringMatching(/^[0-9]{12}$/),
  certificateId: fc.uuid(),
});

describe('certificateArn / parseCertificateArn', () => {
  it('formats an ACM certificate ARN', () => {
    expect(
      certificateArn({
        partition: 'aws',
        region: 'us-east-1',
        accountId: '111122223333',
        certificateId: '12345678-90ab-4cde-8f01-234567890abc',
      }),
    ).toBe(ARN);
  });

  it('parses an ACM certificate ARN into its parts', () => {
    expect(parseCertificateArn(ARN)).toEqual({
      partition: 'aws',
      region: 'us-east-1',
      accountId: '111122223333',
      certificateId: '12345678-90ab-4cde-8f01-234567890abc',
    });
  });

  it('round-trips parts → ARN → parts and ARN → parts → ARN', () => {
    fc.assert(
      fc.property(parts, (original) => {
        const arn = certificateArn(original);
        expect(parseCertificateArn(arn)).toEqual(original);
        expect(certificateArn(parseCertificateArn(arn))).toBe(arn);
      }),
    );
  });

  it('refuses ARNs shorter than 20 or longer than 2048 characters with a ValidationException', () => {
    const short = errorFrom(() => parseCertificateArn('arn:aws:acm:x:1:c/1'));
    expect(short).toBeInstanceOf(ValidationError);
    expect((short as Error).message).toBe(
      "1 validation error detected: Value 'arn:aws:acm:x:1:c/1' at 'certificateArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
    const long = errorFrom(() => parseCertificateArn(`${ARN}/${'a'.repeat(2048)}`, 'CertificateArn'));
    expect(long).toBeInstanceOf(ValidationError);
    expect((long as Error).message).toContain("at 'CertificateArn' failed to satisfy constraint");
    expect((long as Error).message).toContain('Member must have length less than or equal to 2048');
  });

  it.each([
    ['not an ARN at all', 'this is not an arn at all, really'],
    ['another service', 'arn:aws:iam::111122223333:role/certificate-manager'],
    ['a space inside', 'arn:aws:acm:us-east-1:111122223333:certificate/1234 5678'],
    ['a non-numeric account', 'arn:aws:acm:us-east-1:abcdefabcdef:certificate/12345678'],
    ['no resource', 'arn:aws:acm:us-east-1:111122223333:'],
  ])('refuses a malformed ARN (%s) with a ValidationException quoting the pattern', (_, arn) => {
    const error = errorFrom(() => parseCertificateArn(arn));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('ValidationException');
    expect((error as Error).message).toContain(`Value '${arn}' at 'certificateArn'`);
    expect((error as Error).message).toContain('Member must satisfy regular expression pattern: arn:');
  });

  it.each([
    [
      'another ACM resource type',
      'arn:aws:acm:us-east-1:111122223333:account/12345678-90ab-4cde-8f01-234567890abc',
    ],
    [
      'an 11-digit account',
      'arn:aws:acm:us-east-1:11112222333:certificate/12345678-90ab-4cde-8f01-234567890abc',
    ],
    ['no region', 'arn:aws:acm::111122223333:certificate/12345678-90ab-4cde-8f01-234567890abc'],
    ['an id that is not a UUID', 'arn:aws:acm:us-east-1:111122223333:certificate/not-a-uuid'],
    [
      'an uppercase UUID',
      'arn:aws:acm:us-east-1:111122223333:certificate/12345678-90AB-4CDE-8F01-234567890ABC',
    ],
    ['a nested path', `${ARN}/extra`],
  ])('refuses a well-formed ARN that is not a certificate ARN (%s) with InvalidArnException', (_, arn) => {
    const error = errorFrom(() => parseCertificateArn(arn));
    expect(error).toBeInstanceOf(InvalidArnError);
    expect((error as InvalidArnError).code).toBe('InvalidArnException');
    expect((error as Error).message).toBe(`String '${arn}' is not a valid ARN.`);
  });

  it('never throws anything but ValidationException or InvalidArnException, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 120 }),
          parts
            .map(certificateArn)
            .chain((arn) =>
              fc
                .tuple(fc.nat({ max: arn.length }), fc.string({ maxLength: 3 }))
                .map(([at, insert]) => `${arn.slice(0, at)}${insert}${arn.slice(at + 1)}`),
            ),
        ),
        (input) => {
          try {
            const parsed = parseCertificateArn(input);
            expect(certificateArn(parsed)).toBe(input);
          } catch (error) {
            expect(error instanceof ValidationError || error instanceof InvalidArnError).toBe(true);
          }
        },
      ),
    );
  });
});
