/**
 * IssuerSource in AWS: the CA certificate lives in the Certwright table, in the item pk `CA`, sk `CURRENT`,
 * with `certificatePem` (string) and `chainPem` (list of strings: the issuer chain above it, nearest
 * first; empty for a root). The CA bootstrap custom resource writes it once (saveIssuerCertificate), and a
 * re-deploy keeps the existing CA. An intermediate CA waiting for its external root's signature has instead
 * the item pk `CA`, sk `PENDING_CSR`, with `csrPem` (string), written once as well.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { CaCertificateNotInstalledError } from '../../core/errors.ts';
import type { IssuerCertificateStore } from '../../core/issuance/bootstrap-ca.ts';
import type { PendingCsrStore } from '../../core/issuance/bootstrap-intermediate-ca.ts';
import type { IssuerSource } from '../../core/ports.ts';

/** The key of the CA certificate item. */
export const CA_CERTIFICATE_KEY = { pk: 'CA', sk: 'CURRENT' } as const;
/** The key of the pending CSR item (an intermediate CA before its certificate is installed). */
export const PENDING_CSR_KEY = { pk: 'CA', sk: 'PENDING_CSR' } as const;

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
    if (!certificate && (await readPendingCsr(this.documents, this.tableName))) {
      throw new CaCertificateNotInstalledError(
        'the CA certificate is not installed yet: the CA key is an intermediate CA whose CSR waits for the ' +
          "external root's signature; deploy again with the signed certificate and its chain",
      );
    }
    if (!certificate) {
      throw new Error(
        `the CA certificate has not been bootstrapped: table ${this.tableName} has no item pk=CA, sk=CURRENT`,
      );
    }
    return certificate;
  }
}

/**
 * The CA certificate item and the pending CSR item as the bootstrap sees them: read afresh every time (no
 * cache), undefined until written, each stored only if absent.
 */
export class DynamoDbIssuerCertificateStore implements IssuerCertificateStore, PendingCsrStore {
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

  pendingCsr(): Promise<string | undefined> {
    return readPendingCsr(this.documents, this.tableName);
  }

  async savePendingCsrIfAbsent(csrPem: string): Promise<boolean> {
    if (!isPem(csrPem, 'CERTIFICATE REQUEST')) throw new Error('csrPem is not a PEM certificate request');
    return putIfAbsent(this.documents, {
      TableName: this.tableName,
      Item: { ...PENDING_CSR_KEY, csrPem },
    });
  }
}

async function readPendingCsr(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<string | undefined> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: tableName, Key: PENDING_CSR_KEY, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { csrPem } = Item as Record<string, unknown>;
  if (typeof csrPem !== 'string' || !isPem(csrPem, 'CERTIFICATE REQUEST')) {
    throw new Error(`the pending CSR item in table ${tableName} has no PEM csrPem`);
  }
  return csrPem;
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
  if (!certificate.chainPem.every((pem) => isPem(pem)))
    throw new Error('chainPem holds something other than PEM certificates');
  return putIfAbsent(documentClient(client), {
    TableName: tableName,
    Item: {
      ...CA_CERTIFICATE_KEY,
      certificatePem: certificate.certificatePem,
      chainPem: [...certificate.chainPem],
    },
  });
}

/** Puts the item unless one with its key exists; true when this call wrote it. */
async function putIfAbsent(
  documents: DynamoDBDocumentClient,
  put: { TableName: string; Item: Record<string, unknown> },
): Promise<boolean> {
  try {
    await documents.send(new PutCommand({ ...put, ConditionExpression: 'attribute_not_exists(pk)' }));
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

function isPem(value: string, label = 'CERTIFICATE'): boolean {
  return new RegExp(`^\\s*-----BEGIN ${label}-----[\\s\\S]+-----END ${label}-----\\s*$`).test(value);
}
