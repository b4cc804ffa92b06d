import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_NAME } from '../../local/embedded-table.ts';
import type { LocalStack } from '../../local/local-stack.ts';

/** Every serial reserved for `arn`, read straight from the table (a scan: fine for tests). */
export async function reservedSerials(stack: LocalStack, arn: string): Promise<string[]> {
  const serials: string[] = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await stack.dynamodb.send(
      new ScanCommand({
        TableName: TABLE_NAME,
        FilterExpression: 'begins_with(pk, :serial) AND certificateArn = :arn',
        ExpressionAttributeValues: { ':serial': { S: 'SERIAL#' }, ':arn': { S: arn } },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) serials.push((item.pk?.S ?? '').slice('SERIAL#'.length));
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return serials;
}
