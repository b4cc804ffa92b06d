import {
  ListCertificateDomainValidationsCommand,
  ListTagsForResourceCommand,
  RequestCertificateCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_B, useLocalStack } from '../support/local-stack-harness.ts';
import { rejectionOf } from '../support/thrown.ts';

// ListCertificateDomainValidations and the resource tag operations through the local stack, as
// @aws-sdk/client-acm calls them.

const local = useLocalStack();

async function requestArn(names: string[], validationMethod: 'DNS' | 'EMAIL'): Promise<string> {
  const [domainName, ...alternatives] = names;
  const { CertificateArn } = await local.client().send(
    new RequestCertificateCommand({
      DomainName: domainName,
      SubjectAlternativeNames: alternatives.length > 0 ? alternatives : undefined,
      ValidationMethod: validationMethod,
    }),
  );
  if (!CertificateArn) throw new Error('RequestCertificate returned no ARN');
  return CertificateArn;
}

describe('ListCertificateDomainValidations', () => {
  it('lists each name with its DNS challenge, one page at a time', async () => {
    const names = ['dv-a.local.test', 'dv-b.local.test', 'dv-c.local.test'];
    const arn = await requestArn(names, 'DNS');

    const pages = [];
    let nextToken: string | undefined;
    do {
      const page = await local.client().send(
        new ListCertificateDomainValidationsCommand({
          CertificateArn: arn,
          MaxItems: 2,
          NextToken: nextToken,
        }),
      );
      pages.push(page.DomainValidationSummaryList ?? []);
      nextToken = page.NextToken;
    } while (nextToken);

    expect(pages.map((page) => page.map((summary) => summary.DomainName))).toEqual([
      names.slice(0, 2),
      names.slice(2),
    ]);
    for (const summary of pages.flat()) {
      expect(summary.ActiveValidationConfiguration).toEqual({
        ValidationMethod: 'DNS',
        ValidationStatus: expect.stringMatching(/^(PENDING_VALIDATION|SUCCESS)$/),
        ValidationChallenge: {
          DnsValidationChallenge: {
            ResourceRecord: {
              Name: expect.stringMatching(new RegExp(`^_[0-9a-f]{32}\\.${summary.DomainName}\\.$`)),
              Type: 'CNAME',
              Value: expect.stringMatching(/^_[0-9a-f]{32}\./),
            },
          },
        },
      });
    }
  });

  it('shows an EMAIL-validated name’s validation domain and approver addresses', async () => {
    const arn = await requestArn(['mail.local.test'], 'EMAIL');

    const page = await local
      .client()
      .send(new ListCertificateDomainValidationsCommand({ CertificateArn: arn }));

    expect(page.NextToken).toBeUndefined();
    expect(page.DomainValidationSummaryList).toEqual([
      {
        DomainName: 'mail.local.test',
        ActiveValidationConfiguration: {
          ValidationMethod: 'EMAIL',
          ValidationStatus: 'PENDING_VALIDATION',
          ValidationChallenge: {
            EmailValidationChallenge: {
              ValidationDomain: 'mail.local.test',
              ValidationEmails: expect.arrayContaining([
                'admin@mail.local.test',
                'hostmaster@mail.local.test',
              ]),
            },
          },
        },
      },
    ]);
  });

  it('answers ACM’s errors: a bad token, MaxItems out of range, another account’s certificate', async () => {
    const arn = await requestArn(['dv-errors.local.test', 'dv-errors2.local.test'], 'DNS');
    const send = (input: ConstructorParameters<typeof ListCertificateDomainValidationsCommand>[0]) =>
      rejectionOf(local.client().send(new ListCertificateDomainValidationsCommand(input)));

    expect(await send({ CertificateArn: arn, NextToken: 'not-a-token' })).toEqual({
      name: 'InvalidArgsException',
      message: 'The NextToken is not valid for this certificate.',
    });
    expect(await send({ CertificateArn: arn, MaxItems: 0 })).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(
      await rejectionOf(
        local.client(ACCOUNT_B).send(new ListCertificateDomainValidationsCommand({ CertificateArn: arn })),
      ),
    ).toEqual({ name: 'ResourceNotFoundException', message: `Could not find certificate ${arn}.` });
  });
});

describe('TagResource, UntagResource and ListTagsForResource', () => {
  const acmeEndpoint =
    'arn:aws:acm:us-east-1:111122223333:acme-endpoint/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

  it('point a certificate ARN at the certificate tag operations and find no other resource', async () => {
    const arn = await requestArn(['resource-tags.local.test'], 'DNS');

    expect(
      await rejectionOf(
        local.client().send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'a' }] })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message: `Resource ${arn} is a certificate: use AddTagsToCertificate for its tags.`,
    });
    expect(
      await rejectionOf(local.client().send(new ListTagsForResourceCommand({ ResourceArn: acmeEndpoint }))),
    ).toEqual({
      name: 'ResourceNotFoundException',
      message: `Could not find resource ${acmeEndpoint}.`,
    });
    expect(
      await rejectionOf(
        local.client().send(new UntagResourceCommand({ ResourceArn: acmeEndpoint, TagKeys: [] })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message:
        "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
  });
});
