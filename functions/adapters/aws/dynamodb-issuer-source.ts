/**
 * IssuerSource in AWS: the CA certificate lives in the Certwright table, in the item pk `CA`, sk `CURRENT`,
 * with `certificatePem` (string) and `chainPem` (list of strings: the issuer chain above it, nearest
 * first; empty for a root). The CA bootstrap custom resource writes it once (saveIssuerCertificate), and a
 * re-deploy keeps the existing CA.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IssuerCertificateStore } from '../../core/issuance/bootstrap-ca.ts';
import type { IssuerSource } from '../../core/ports.ts';

/** The key of the CA certificate item. */
export const CA_CERTIFICATE_KEY = { pk: 'CA', sk: 'CURRENT' } as const;

export interface IssuerCertificate {
  certificatePem: string;
  chainPem: string[];
}

export class DynamoDbIssuerSource implements IssuerSource {
  private readonly documents: DynamoDBDocumentClient;
  /** The CA certificate, read once for the life of the container; a failed read is not kept. */
  private cached: Promise<IssuerCertificate> | undefined;

  constructor(
    client: DynamoDBDocumentClient | DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClient(client);
  }

  async current(): Promise<IssuerCertificate> {
    if (!this.cached) {
      const reading = this.read();
      this.cached = reading;
      reading.catch(() => {
        if (this.cached === reading) this.cached = undefined;
      });
    }
    const { certificatePem, chainPem } = await this.cached;
    return { certificatePem, chainPem: [...chainPem] };
  }

  private async read(): Promise<IssuerCertificate> {
    const certificate = await readIssuerCertificate(this.documents, this.tableName);
    if (!certificate) {
      throw new Error(
        `the CA certificate has not been bootstrapped: table ${this.tableName} has no item pk=CA, sk=CURRENT`,
      );
    }
    return certificate;
  }
}

/**
 * The CA certificate item as the bootstrap sees it: read afresh every time (no cache), undefined before the
 * bootstrap, stored only if absent (saveIssuerCertificate).
 */
export class DynamoDbIssuerCertificateStore implements IssuerCertificateStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBDocumentClient | DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents = documentClient(client);
  }

  current(): Promise<IssuerCertificate | undefined> {
    return readIssuerCertificate(this.documents, this.tableName);
  }

  saveIfAbsent(certificate: IssuerCertificate): Promise<boolean> {
    return saveIssuerCertificate(this.documents, this.tableName, certificate);
  }
}

/** The stored CA certificate (consistent read), undefined when there is none; refuses a malformed item. */
async function readIssuerCertificate(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<IssuerCertificate | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: CA_CERTIFICATE_KEY, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { certificatePem, chainPem = [] } = Item as Record<string, unknown>;
  if (typeof certificatePem !== 'string' || !isPem(certificatePem)) {
    throw new Error(`the CA certificate item in table ${tableName} has no PEM certificatePem`);
  }
  if (!Array.isArray(chainPem) || !chainPem.every((pem) => typeof pem === 'string' && isPem(pem))) {
    throw new Error(
      `the CA certificate item in table ${tableName} has a chainPem that is not a list of PEM certificates`,
    );
  }
  return { certificatePem, chainPem: chainPem as string[] };
}

/**
 * Stores the CA certificate unless one is already stored (attribute_not_exists), so a re-deploy keeps the
 * existing CA. Answers true when this call stored it, false when an earlier one was kept.
 */
export async function saveIssuerCertificate(
  client: DynamoDBDocumentClient | DynamoDBClient,
  tableName: string,
  certificate: IssuerCertificate,
): Promise<boolean> {
  if (!isPem(certificate.certificatePem)) throw new Error('certificatePem is not a PEM certificate');
  if (!certificate.chainPem.every(isPem))
    throw new Error('chainPem holds something other than PEM certificates');
  try {
    await documentClient(client).send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...CA_CERTIFICATE_KEY,
          certificatePem: certificate.certificatePem,
          chainPem: [...certificate.chainPem],
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    // Matched by name as well: a bundle may hold more than one copy of the SDK's classes.
    if (
      error instanceof ConditionalCheckFailedException ||
      (error as Error)?.name === 'ConditionalCheckFailedException'
    )
      return false;
    throw error;
  }
}

function documentClient(client: DynamoDBDocumentClient | DynamoDBClient): DynamoDBDocumentClient {
  return client instanceof DynamoDBClient
    ? DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } })
    : client;
}

function isPem(value: string): boolean {
  return /^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(value);
}
