import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface NagScopes {
  stack: IConstruct;
  stateMachine: IConstruct;
  api: IConstruct;
  caBootstrapProviderRole: IConstruct;
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
      id: 'AwsSolutions-COG4',
      reason:
        'The ACM API authenticates callers with IAM (SigV4, AuthorizationType AWS_IAM), as ACM itself does; ' +
        'stock AWS CLIs and SDKs sign requests and have no Cognito tokens.',
    },
    {
      id: 'AwsSolutions-APIG3',
      reason:
        'Every request must be SigV4-signed by an IAM principal of the account before it reaches the ' +
        'integration, and the stage is throttled; a WAF web ACL can be attached by the operator where wanted.',
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
} as const satisfies Record<keyof NagScopes, ReadonlyArray<{ id: string; reason: string }>>;

export function acknowledgeNagFindings(scopes: NagScopes): void {
  for (const [scope, acknowledgments] of Object.entries(NAG_ACKNOWLEDGMENTS) as Array<
    [keyof NagScopes, ReadonlyArray<{ id: string; reason: string }>]
  >) {
    Validations.of(scopes[scope]).acknowledge(...acknowledgments);
  }
}
