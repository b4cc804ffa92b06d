/**
 * How clients call the deployed API. API Gateway's IAM authorization checks SigV4 signatures scoped to the
 * service `execute-api`, at the stage URL (https://<api id>.execute-api.<region>.amazonaws.com/v1/), so stock
 * ACM clients must be told to sign for `execute-api`. Each recipe runs against a stand-in for that stage: it
 * serves only POST /v1/, checks the signature with the local verifier for `execute-api` alone, and hands the
 * request on to the local stack. The AWS CLI recipe also runs against the local stack itself.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  ACMClient,
  type ACMClientConfig,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  RequestCertificateCommand,
} from '@aws-sdk/client-acm';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, verifySigV4 } from '../../local/auth/sigv4-verifier.ts';
import type { LocalStack } from '../../local/local-stack.ts';
import { fetchSignedPost } from '../../local/signed-post.ts';
import {
  ACCOUNT_A,
  acmClient,
  makeDataDir,
  REGION,
  startTestStack,
  testSettings,
} from '../support/local-stack-harness.ts';
import { runCommand } from '../support/run-command.ts';

const AWS_CLI = '/usr/bin/aws';
const STAGE_PATH = '/v1/';
const CREDENTIALS = { accessKeyId: ACCOUNT_A.accessKeyId, secretAccessKey: ACCOUNT_A.secretAccessKey };
const EXECUTE_API_SCOPE = `/${REGION}/execute-api/aws4_request`;

let stack: LocalStack;
let stage: { url: string; close(): Promise<void> };
let cleanupDataDir: () => Promise<void>;
let modelDir: string;
/** A certificate requested with the stock client, for the listings to show. */
let knownArn: string;

beforeAll(async () => {
  const data = await makeDataDir();
  cleanupDataDir = data.cleanup;
  modelDir = join(data.dataDir, 'aws-cli-model');
  stack = await startTestStack(testSettings(data.dataDir, { dnsResolvers: '127.0.0.1:9' }));
  stage = await startStage(stack);
  const requested = await acmClient(stack).send(
    new RequestCertificateCommand({ DomainName: 'known.local.test', ValidationMethod: 'DNS' }),
  );
  knownArn = requested.CertificateArn as string;
});

afterAll(async () => {
  await stage?.close();
  await stack?.stop();
  await cleanupDataDir?.();
});

/**
 * API Gateway's part, as far as clients can tell: the stage path and IAM authorization for `execute-api`
 * (403 with `x-amzn-ErrorType` when it fails). The function behind it learns the caller from API Gateway;
 * the local stack learns it from a signature, so the stand-in signs the request again for `/`.
 */
async function startStage(target: LocalStack): Promise<{ url: string; close(): Promise<void> }> {
  const credential = { ...CREDENTIALS, accountId: ACCOUNT_A.accountId };
  const refuse = (response: ServerResponse, type: string, message: string): void => {
    response
      .writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': type })
      .end(JSON.stringify({ message }));
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (request.method !== 'POST' || request.url !== STAGE_PATH) {
      return refuse(response, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    }
    try {
      await verifySigV4(
        { method: 'POST', path: request.url, headers: request.headers, body },
        {
          lookup: (id) => (id === credential.accessKeyId ? credential : undefined),
          region: REGION,
          services: ['execute-api'],
          now: new Date(),
          maxSkewMinutes: 5,
        },
      );
    } catch (error) {
      if (error instanceof AuthError) return refuse(response, error.code, error.message);
      throw error;
    }
    const answer = await fetchSignedPost(target.url, {
      credentials: CREDENTIALS,
      region: REGION,
      service: 'execute-api',
      contentType: String(request.headers['content-type']),
      target: String(request.headers['x-amz-target']),
      body,
    });
    response
      .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
      .end(Buffer.from(await answer.arrayBuffer()));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${STAGE_PATH}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Records the path and Authorization header of every request the client sends, as signed. */
function recordSignedRequests(client: ACMClient): Array<{ path: string; authorization: string }> {
  const sent: Array<{ path: string; authorization: string }> = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { path: string; headers: Record<string, string> };
      sent.push({ path: request.path, authorization: request.headers.authorization ?? '' });
      return next(args);
    },
    { step: 'deserialize', name: 'recordSignedRequests' },
  );
  return sent;
}

async function failure(call: Promise<unknown>) {
  const error = (await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (reason: unknown) => reason,
  )) as Error & { $metadata?: { httpStatusCode?: number } };
  return { name: error.name, message: error.message, status: error.$metadata?.httpStatusCode };
}

describe('@aws-sdk/client-acm', () => {
  it('signs for execute-api with signingName, and requests and describes at the stage URL', async () => {
    // signingName is not in the client's config type, but the SigV4 signer reads it first.
    const config = {
      endpoint: stage.url,
      region: REGION,
      credentials: CREDENTIALS,
      signingName: 'execute-api',
    };
    const acm = new ACMClient(config as ACMClientConfig);
    const sent = recordSignedRequests(acm);

    const { CertificateArn } = await acm.send(
      new RequestCertificateCommand({ DomainName: 'sdk.example.test', ValidationMethod: 'DNS' }),
    );
    expect(CertificateArn).toMatch(`:${ACCOUNT_A.accountId}:certificate/`);
    const { Certificate } = await acm.send(new DescribeCertificateCommand({ CertificateArn }));
    expect(Certificate).toMatchObject({ CertificateArn, DomainName: 'sdk.example.test' });
    expect(Certificate?.Status).toBe('PENDING_VALIDATION');

    expect(sent).toHaveLength(2);
    for (const request of sent) {
      expect(request.path).toBe(STAGE_PATH);
      expect(request.authorization).toContain(`Credential=${ACCOUNT_A.accessKeyId}/`);
      expect(request.authorization).toContain(`${EXECUTE_API_SCOPE},`);
    }
  });

  it('signs for execute-api with a SignatureV4 signer of its own, at the stage URL without the slash', async () => {
    const acm = new ACMClient({
      endpoint: stage.url.replace(/\/$/, ''),
      region: REGION,
      credentials: CREDENTIALS,
      signer: new SignatureV4({
        service: 'execute-api',
        region: REGION,
        credentials: CREDENTIALS,
        sha256: Sha256,
      }),
    });
    const sent = recordSignedRequests(acm);
    const { CertificateSummaryList } = await acm.send(new ListCertificatesCommand({}));
    expect(CertificateSummaryList?.map((summary) => summary.CertificateArn)).toContain(knownArn);
    expect(sent).toEqual([
      { path: STAGE_PATH, authorization: expect.stringContaining(`${EXECUTE_API_SCOPE},`) },
    ]);
  });

  it('signs for acm unless told otherwise, which API Gateway refuses', async () => {
    const acm = new ACMClient({ endpoint: stage.url, region: REGION, credentials: CREDENTIALS });
    expect(await failure(acm.send(new ListCertificatesCommand({})))).toEqual({
      name: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'execute-api'.",
      status: 403,
    });
  });

  it('puts the signing name it is given into the scope', async () => {
    const config = { endpoint: stack.url, region: REGION, credentials: CREDENTIALS, signingName: 'nothing' };
    const acm = new ACMClient(config as ACMClientConfig);
    expect(await failure(acm.send(new ListCertificatesCommand({})))).toEqual({
      name: 'InvalidSignatureException',
      message: "Credential should be scoped to correct service: 'acm'.",
      status: 400,
    });
  });
});

describe('curl --aws-sigv4', () => {
  // The README's command line, with the endpoint and credentials from the environment.
  const COMMAND = [
    'curl --silent --show-error --aws-sigv4 "aws:amz:$AWS_REGION:$SIGNING_NAME"',
    '--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"',
    "-H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: CertificateManager.ListCertificates'",
    `-d '{}' --write-out '\\n%{http_code}' "$ENDPOINT"`,
  ].join(' ');

  async function curlList(endpoint: string, signingName: string) {
    const result = await runCommand('/bin/sh', ['-c', COMMAND], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
        SIGNING_NAME: signingName,
        ENDPOINT: endpoint,
      },
    });
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    return { status: Number(lines.pop()), json: JSON.parse(lines.join('\n')) as Record<string, unknown> };
  }

  it('lists certificates at the stage URL, signed for execute-api', async () => {
    const { status, json } = await curlList(stage.url, 'execute-api');
    expect(status).toBe(200);
    const summaries = json.CertificateSummaryList as Array<{ CertificateArn: string }>;
    expect(summaries.map((summary) => summary.CertificateArn)).toContain(knownArn);
  });

  it('lists certificates at the local stack too', async () => {
    const { status, json } = await curlList(`${stack.url}/`, 'execute-api');
    expect(status).toBe(200);
    expect(json.CertificateSummaryList).toEqual(
      expect.arrayContaining([expect.objectContaining({ CertificateArn: knownArn })]),
    );
  });

  it('is refused at the stage when it signs for acm', async () => {
    expect(await curlList(stage.url, 'acm')).toEqual({
      status: 403,
      json: { message: "Credential should be scoped to correct service: 'execute-api'." },
    });
  });
});

describe('the AWS CLI with the model from `certwright aws-cli-model`', () => {
  const aws = (args: string[], endpoint: string, dataPath?: string) =>
    runCommand(AWS_CLI, [...args, '--endpoint-url', endpoint, '--region', REGION, '--output', 'json'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: ACCOUNT_A.accessKeyId,
        AWS_SECRET_ACCESS_KEY: ACCOUNT_A.secretAccessKey,
        ...(dataPath ? { AWS_DATA_PATH: dataPath } : {}),
        AWS_CONFIG_FILE: '/nonexistent/certwright-aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/certwright-aws-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      },
    });

  let commandOutput: string;

  beforeAll(async () => {
    const written = await runCommand('node_modules/.bin/tsx', [
      'bin/certwright.ts',
      'aws-cli-model',
      modelDir,
      '--aws-cli',
      AWS_CLI,
    ]);
    expect(written).toMatchObject({ code: 0, stderr: '' });
    commandOutput = written.stdout;
  }, 60_000);

  it("writes a copy of the CLI's own ACM model that differs only in the signing name", async () => {
    const written = join(modelDir, 'acm', '2015-12-08', 'service-2.json');
    const source = /a copy of (\S+) that signs for execute-api/.exec(commandOutput)?.[1] as string;
    expect(commandOutput).toContain(`Wrote ${written}: a copy of ${source}`);
    expect(source).toMatch(/[\\/]acm[\\/]2015-12-08[\\/]service-2\.json(\.gz)?$/);
    const original = await readFile(source);
    const { metadata, ...rest } = JSON.parse(
      (source.endsWith('.gz') ? gunzipSync(original) : original).toString('utf8'),
    );
    expect(metadata.signingName).toBeUndefined();
    expect(JSON.parse(await readFile(written, 'utf8'))).toEqual({
      ...rest,
      metadata: { ...metadata, signingName: 'execute-api' },
    });
  });

  it('signs ACM calls for execute-api when AWS_DATA_PATH names it', async () => {
    const listed = await aws(['acm', 'list-certificates', '--debug'], stack.url, modelDir);
    expect(listed.code, listed.stderr.slice(-2000)).toBe(0);
    expect(JSON.parse(listed.stdout).CertificateSummaryList).toEqual(
      expect.arrayContaining([expect.objectContaining({ CertificateArn: knownArn })]),
    );
    expect(listed.stderr).toContain(`Credential=${ACCOUNT_A.accessKeyId}/`);
    expect(listed.stderr).toMatch(new RegExp(`Credential=[^,]*${EXECUTE_API_SCOPE},`));
    expect(listed.stderr).not.toMatch(/Credential=[^,]*\/acm\/aws4_request/);
  });

  it('describes at the stage URL with the override, and is refused there without it', async () => {
    const described = await aws(
      ['acm', 'describe-certificate', '--certificate-arn', knownArn],
      stage.url,
      modelDir,
    );
    expect(described.code, described.stderr).toBe(0);
    expect(JSON.parse(described.stdout).Certificate).toMatchObject({
      CertificateArn: knownArn,
      DomainName: 'known.local.test',
    });

    const stock = await aws(['acm', 'list-certificates'], stage.url);
    expect(stock.code).not.toBe(0);
    expect(stock.stderr).toContain(
      "when calling the ListCertificates operation: Credential should be scoped to correct service: 'execute-api'.",
    );
  });
});
