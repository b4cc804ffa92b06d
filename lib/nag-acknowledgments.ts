import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagScopes {
  stack: IConstruct;
  stateMachine: IConstruct;
  api: IConstruct;
  acmMethod: IConstruct;
  approvalRoutes: IConstruct;
  caBootstrapProviderRole: IConstruct;
  crlBucket: IConstruct;
}

/**
 * Every cdk-nag (AwsSolutions) finding Certwright accepts, each on the narrowest construct it concerns and
 * with the reason it is accepted. Anything not listed here fails `cdk synth` and the infra test.
 */
export const NAG_ACKNOWLEDGMENTS = {
  stack: [
    {
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 (nodejs22.x) is the runtime the handlers are built (esbuild target node22) and tested for; ' +
        'the runtime moves with the project, not ahead of it.',
    },
  ],
  stateMachine: [
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by CDK for X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, ' +
        'GetSamplingTargets) and CloudWatch Logs delivery (logs:CreateLogDelivery and friends): these actions ' +
        'support no resource-level permissions. Its Lambda invoke permission names the four task functions.',
    },
  ],
  api: [
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level logging role (needed for stage execution logs): only apigateway.amazonaws.com " +
        'can assume it, and the AWS-managed policy is the one the service documents for it.',
    },
    {
      id: 'AwsSolutions-APIG3',
      reason:
        'ACM API requests must be SigV4-signed by an IAM principal of the account before they reach the ' +
        'integration, approval pages need a 256-bit single-use token, and the stage is throttled; a WAF web ' +
        'ACL can be attached by the operator where wanted.',
    },
  ],
  acmMethod: [
    {
      id: 'AwsSolutions-COG4',
      reason:
        'The ACM API authenticates callers with IAM (SigV4, AuthorizationType AWS_IAM), as ACM itself does; ' +
        'stock AWS CLIs and SDKs sign requests and have no Cognito tokens.',
    },
  ],
  approvalRoutes: [
    {
      id: 'AwsSolutions-APIG4',
      reason:
        'The approval pages are opened from a validation mail by a domain owner who has no AWS identity, as ' +
        "ACM's approval site is. The 256-bit single-use token in the path is the credential; GET only shows " +
        'the request, and only a POST with a current token approves one domain of one certificate.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason:
        'Public approval pages for domain owners without accounts; the unguessable, single-use, expiring token ' +
        'in the path authorizes the one action they allow.',
    },
  ],
  caBootstrapProviderRole: [
    {
      // The logical id of the issue function (construct path IssueCertificate/Function), as cdk-nag names it.
      id: 'AwsSolutions-IAM5[Resource::<IssueCertificateFunction1CAB4B25.Arn>:*]',
      reason:
        "The CDK Provider framework's onEvent function grants itself lambda:InvokeFunction on the issue " +
        'function and its versions and aliases (<arn>:*); that one function is the only thing it can invoke, ' +
        'and this role has nothing else but writes to its own log group.',
    },
  ],
  crlBucket: [
    {
      id: 'AwsSolutions-S2',
      reason:
        'The bucket publishes the CRL, which relying parties must fetch without credentials (RFC 5280 CRL ' +
        'distribution point). Public ACLs stay blocked and ignored (ACLs are disabled); only the bucket policy ' +
        'grants s3:GetObject, and only on the one CRL object.',
    },
    {
      id: 'AwsSolutions-S10',
      reason:
        'CRLs are fetched over plain HTTP by design (RFC 5280 §4.2.1.13; TLS clients cannot check the ' +
        'revocation of the certificates TLS itself depends on). The CRL is signed by the CA key, so its ' +
        'integrity does not rest on the transport; the only write path is the CRL function over HTTPS.',
    },
    {
      id: 'AwsSolutions-S1',
      reason:
        'The bucket holds one public object that is regenerated from the table on every run; reads are ' +
        'anonymous relying-party fetches and the only writer is the CRL function, whose runs are logged in its ' +
        'own log group. An access-log bucket would cost more than it could tell.',
    },
  ],
} as const satisfies Record<keyof NagScopes, ReadonlyArray<{ id: string; reason: string }>>;

export function acknowledgeNagFindings(scopes: NagScopes): void {
  for (const [scope, acknowledgments] of Object.entries(NAG_ACKNOWLEDGMENTS) as Array<
    [keyof NagScopes, ReadonlyArray<{ id: string; reason: string }>]
  >) {
    Validations.of(scopes[scope]).acknowledge(...acknowledgments);
  }
}
