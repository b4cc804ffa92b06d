import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

const STACK_REGION = 'us-east-1';
const STACK_ACCOUNT = '123456789012';
const SERVICE_TOKEN = `arn:aws:lambda:${STACK_REGION}:${STACK_ACCOUNT}:function:Certwright-CaBootstrapProviderframeworkonEvent`;

/**
 * An event for the CA bootstrap custom resource as the Provider framework passes it to onEvent
 * (CloudFormation gives properties as strings). `oldProperties` are those of the deploy before, for an
 * Update.
 */
export function caBootstrapEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, string>,
  oldProperties: Record<string, string> = {},
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/presigned',
    StackId: `arn:aws:cloudformation:${STACK_REGION}:${STACK_ACCOUNT}:stack/Certwright/00000000-0000-0000-0000-000000000000`,
    RequestId: `request-${requestType}`,
    LogicalResourceId: 'CaBootstrap',
    ResourceType: 'Custom::CertwrightCa',
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, ...properties },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: 'certwright-ca',
      OldResourceProperties: { ServiceToken: SERVICE_TOKEN, ...oldProperties },
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'certwright-ca' };
}
