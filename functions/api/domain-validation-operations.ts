import { listDomainValidations } from '../core/certificates/list-domain-validations.ts';
import { checkLength } from '../core/constraint-violation.ts';
import type { DomainValidation } from '../core/model.ts';
import type { Operation } from './api-services.ts';
import { optionalInteger, optionalString, requiredString } from './wire-input.ts';

/** ACM's ValidationConfiguration: the method, its status and the challenge (a union of DNS and email). */
function validationConfiguration(dv: DomainValidation) {
  const challenge =
    dv.validationMethod === 'DNS'
      ? { DnsValidationChallenge: { ResourceRecord: dv.resourceRecord } }
      : {
          EmailValidationChallenge: {
            ValidationDomain: dv.validationDomain,
            ValidationEmails: dv.validationEmails ?? [],
          },
        };
  return {
    ValidationMethod: dv.validationMethod,
    ValidationStatus: dv.status,
    ValidationChallenge: challenge,
  };
}

const listCertificateDomainValidationsOperation: Operation = async (services, accountId, input) => {
  const nextToken = optionalString(input, 'NextToken');
  if (nextToken !== undefined) checkLength(nextToken, 'nextToken', 1, 10000);
  const page = await listDomainValidations(
    { store: services.store, region: services.settings.region },
    accountId,
    {
      certificateArn: requiredString(input, 'CertificateArn', 'certificateArn'),
      maxItems: optionalInteger(input, 'MaxItems', 'maxItems', { min: 1, max: 1000 }) ?? 1000,
      nextToken,
    },
  );
  return {
    DomainValidationSummaryList: page.summaries.map((summary) => ({
      DomainName: summary.domainName,
      ActiveValidationConfiguration: summary.active && validationConfiguration(summary.active),
    })),
    NextToken: page.nextToken,
  };
};

/** ListCertificateDomainValidations, by X-Amz-Target name. */
export const DOMAIN_VALIDATION_OPERATIONS: Record<string, Operation> = {
  ListCertificateDomainValidations: listCertificateDomainValidationsOperation,
};
