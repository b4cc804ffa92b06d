import { DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { parseCertificateArn } from '../functions/core/arn.ts';
import { TABLE_NAME } from '../local/embedded-table.ts';
import { acmClient, makeDataDir, startTestStack, testSettings } from '../test/support/local-stack-harness.ts';
import { load, round } from './measure.ts';

const DURATION_MS = 5_000;

/**
 * DescribeCertificate requests per second on the local stack (SigV4 check, API handler, one consistent
 * read), against a baseline measured in the same process: the same DynamoDB GetItem sent straight to the
 * embedded table, the floor under every Describe.
 */
export async function describeThroughput() {
  const { dataDir, cleanup } = await makeDataDir();
  const stack = await startTestStack(testSettings(dataDir, { dnsResolvers: '127.0.0.1:9', localZones: '' }));
  try {
    const client = acmClient(stack);
    const { CertificateArn } = await client.send(
      new RequestCertificateCommand({ DomainName: 'bench.example.test', ValidationMethod: 'DNS' }),
    );
    const { accountId, certificateId } = parseCertificateArn(CertificateArn as string);
    const getItem = new GetItemCommand({
      TableName: TABLE_NAME,
      Key: { pk: { S: `ACCOUNT#${accountId}` }, sk: { S: `CERTIFICATE#${certificateId}` } },
      ConsistentRead: true,
    });
    const describe = new DescribeCertificateCommand({ CertificateArn });
    const rows = [];
    for (const concurrency of [1, 32]) {
      await load(() => client.send(describe), concurrency, 1_000); // warm-up
      const baseline = await load(() => stack.dynamodb.send(getItem), concurrency, DURATION_MS);
      const measured = await load(() => client.send(describe), concurrency, DURATION_MS);
      rows.push({
        concurrency,
        describe: measured,
        baselineGetItem: baseline,
        ratioToBaseline: round(measured.perSecond / baseline.perSecond, 2),
      });
    }
    return rows;
  } finally {
    await stack.stop();
    await cleanup();
  }
}
