import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertwrightStack } from '../../lib/certwright-stack.ts';

/** A deployment with an EC CA key and no hosted zones, from `-c` strings as the CLI passes them. */
let template: Template;

beforeAll(() => {
  const app = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      validationDomain: 'acm-validations.example.org',
      caKeySpec: 'ECC_NIST_P384',
      hostedZones: '[]',
      validityDays: '90',
      crlUrl: 'http://pki.example.org/ca.crl',
      emailSender: 'Example PKI <pki@mail.example.org>',
      apiRateLimit: '7',
      apiBurstLimit: '9',
      approvalBaseUrl: 'https://approve.example.org/pki',
      whoisServer: 'whois.example.org:4343',
    },
  });
  template = Template.fromStack(new CertwrightStack(app, 'Variant'));
}, 60_000);

describe('the CDK stack with other settings', { timeout: 60_000 }, () => {
  it('makes the CA key of the chosen spec', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P384', KeyUsage: 'SIGN_VERIFY' });
  });

  it('grants no Route 53 access at all without hosted zones', () => {
    expect(JSON.stringify(template.toJSON())).not.toContain('route53:');
  });

  it('lets the mail senders (publish function, API) send from the sender address, through its SES identity', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    const sesStatements = policies.flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as Array<Record<string, unknown>>)
        .filter((statement) => JSON.stringify(statement.Action).includes('ses:'))
        .map((statement) => ({ statement, roles: JSON.stringify(policy.Properties.Roles) })),
    );
    expect(sesStatements.map(({ roles }) => roles.match(/"Ref":"(\w+?)Role/)?.[1]).sort()).toEqual([
      'Api',
      'PublishValidationRecords',
    ]);
    for (const { statement } of sesStatements) {
      expect(statement.Action).toBe('ses:SendEmail');
      expect(JSON.stringify(statement.Resource)).toContain(':identity/mail.example.org');
      expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'pki@mail.example.org' } });
    }
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const senders = functions.filter(
      (fn) => fn.Properties.Environment?.Variables?.CERTWRIGHT_EMAIL_SENDER !== undefined,
    );
    expect(senders).toHaveLength(2);
    for (const sender of senders) {
      expect(sender.Properties.Environment.Variables).toMatchObject({
        CERTWRIGHT_EMAIL_SENDER: 'Example PKI <pki@mail.example.org>',
        CERTWRIGHT_APPROVAL_BASE_URL: 'https://approve.example.org/pki',
      });
      expect(JSON.stringify(sender.Properties.Environment.Variables.CERTWRIGHT_SES_IDENTITY_ARN)).toContain(
        ':identity/mail.example.org',
      );
    }
  });

  it('gives the WHOIS server to the publish function only, which mails the approvers', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const withWhois = functions.filter(
      (fn) => fn.Properties.Environment?.Variables?.CERTWRIGHT_WHOIS_SERVER !== undefined,
    );
    expect(withWhois.map((fn) => fn.Properties.Environment.Variables.CERTWRIGHT_WHOIS_SERVER)).toEqual([
      'whois.example.org:4343',
    ]);
    expect(withWhois[0]?.Properties.Environment.Variables.CERTWRIGHT_HOSTED_ZONES).toBeDefined();
  });

  it('throttles the API stage as configured', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 })],
    });
  });

  it('passes the issuance settings to the issue function only', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const withCrl = functions.filter(
      (fn) => fn.Properties.Environment.Variables.CERTWRIGHT_CRL_URL !== undefined,
    );
    expect(withCrl).toHaveLength(1);
    expect(withCrl[0]?.Properties.Environment.Variables).toMatchObject({
      CERTWRIGHT_CRL_URL: 'http://pki.example.org/ca.crl',
      CERTWRIGHT_VALIDITY_DAYS: '90',
    });
    expect(withCrl[0]?.Properties.Environment.Variables.CERTWRIGHT_CA_KEY_ID).toBeDefined();
  });
});
