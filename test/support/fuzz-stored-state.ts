import { stat } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_NAME } from '../../local/embedded-table.ts';
import type { LocalStack } from '../../local/local-stack.ts';

/** What a request could change: every item of the table, and how long the event log is. */
export interface StoredState {
  items: string[];
  eventLogBytes: number;
}

/** Every table item as JSON, sorted, and the event log's size in bytes (0 before its first event). */
export async function storedState(stack: LocalStack): Promise<StoredState> {
  const items: string[] = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await stack.dynamodb.send(
      new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) items.push(JSON.stringify(item, sortedKeys));
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return { items: items.sort(), eventLogBytes: await sizeOf(stack.eventLogPath) };
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array)
    return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
