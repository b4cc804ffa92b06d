import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createTableInput } from '../../functions/adapters/aws/table-schema.ts';
import { CertwrightStack } from '../../lib/certwright-stack.ts';

describe('the CDK stack', () => {
  const template = Template.fromStack(new CertwrightStack(new App(), 'Test'));

  it('deploys the table the local stack creates: same keys, same index', () => {
    const local = createTableInput('certwright');
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table')) as Array<{
      Properties: Record<string, unknown>;
    }>;
    expect(table?.Properties.KeySchema).toEqual(local.KeySchema);
    expect(table?.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(local.AttributeDefinitions ?? []),
    );
    expect(table?.Properties.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table?.Properties.BillingMode).toBe(local.BillingMode);
  });

  it('keeps the table safe: point-in-time recovery, deletion protection, retained on stack deletion', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });
});
