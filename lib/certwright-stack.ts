import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, WORK_QUEUE_INDEX } from '../functions/adapters/aws/table-schema.ts';

/**
 * Certwright in an AWS account. So far it holds the table, built from the same schema the local stack
 * creates in dynalite; the API, the workflow, the CA key and the schedule join it as the AWS stack grows.
 */
export class CertwrightStack extends Stack {
  readonly table: Table;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = new Table(this, 'Certificates', {
      partitionKey: { name: PARTITION_KEY.name, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY.name, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: WORK_QUEUE_INDEX.indexName,
      partitionKey: { name: WORK_QUEUE_INDEX.partitionKey.name, type: AttributeType.STRING },
      sortKey: { name: WORK_QUEUE_INDEX.sortKey.name, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...WORK_QUEUE_INDEX.projectedAttributes],
    });
  }
}
