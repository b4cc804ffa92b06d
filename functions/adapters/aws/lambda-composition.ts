/**
 * The AWS twin of local/local-stack.ts: each Lambda function's handler, composed from the same handler
 * factories (functions/api, functions/approvals, functions/tasks, functions/schedule) with the AWS adapters. This is the one module that reads
 * process.env. Composition is lazy: it runs on the first invocation (so a module imports without any
 * environment, in tests too), is kept for the life of the container, and is tried again on the next
 * invocation if it failed.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  CloudFormationCustomResourceEvent,
  Context,
  ScheduledEvent,
} from 'aws-lambda';
import { createApiHandler } from '../../api/api-handler.ts';
import { createApprovalHandler } from '../../approvals/approval-handler.ts';
import { createApprovalDesk } from '../../core/approvals/approval-desk-service.ts';
import { CaCertificateNotInstalledError } from '../../core/errors.ts';
import {
  caCertificateAlgorithm,
  issuerDisplayName,
  pendingCaInfo,
} from '../../core/issuance/ca-certificate-info.ts';
import type { CaKeyAlgorithm } from '../../core/model.ts';
import type { Mailer } from '../../core/ports.ts';
import type { ScheduleRun } from '../../core/schedule/run-schedule.ts';
import { createScheduleHandler } from '../../schedule/run-schedule.ts';
import {
  type CustomResourceResponse,
  createCaBootstrapResourceHandler,
  withCaBootstrap,
} from '../../tasks/ca-bootstrap-resource.ts';
import { createCheckValidationHandler, type DomainProbeEvent } from '../../tasks/check-validation.ts';
import { createIssueCertificateHandler } from '../../tasks/issue-certificate.ts';
import { createPublishCrlHandler } from '../../tasks/publish-crl.ts';
import { createPublishValidationRecordsHandler } from '../../tasks/publish-validation-records.ts';
import { createRecordFailureHandler } from '../../tasks/record-failure.ts';
import type { CertificateTaskEvent } from '../../tasks/task-event.ts';
import { NodeDnsResolver } from '../dns/node-dns-resolver.ts';
import { WhoisClient } from '../dns/whois-client.ts';
import { cryptoRandom } from '../runtime/crypto-random.ts';
import { systemClock } from '../runtime/system-clock.ts';
import {
  AWS_ENV,
  type AwsEnvironment,
  awsSettingsFromEnv,
  certwrightSettings,
  dynamoDbClient,
  type Environment,
  eventBridgeClient,
  kmsClient,
  lambdaClient,
  required,
  route53Client,
  s3Client,
  sesClient,
  sfnClient,
} from './aws-environment.ts';
import { DynamoDbIssuerCertificateStore, DynamoDbIssuerSource } from './dynamodb-issuer-source.ts';
import { DynamoDbRevocationStore } from './dynamodb-revocation-store.ts';
import { DynamoDbCertificateStore } from './dynamodb-store.ts';
import { EventBridgePublisher } from './eventbridge-publisher.ts';
import { KmsCaSigner } from './kms-ca-signer.ts';
import { KmsKeyVault } from './kms-key-vault.ts';
import { KmsSecretMac } from './kms-secret-mac.ts';
import { LambdaCrlRefresh } from './lambda-crl-refresh.ts';
import { LambdaDomainProbe } from './lambda-domain-probe.ts';
import { Route53ZoneWriter } from './route53-zone-writer.ts';
import { S3CrlPublisher } from './s3-crl-publisher.ts';
import { SesMailer } from './ses-mailer.ts';
import { StepFunctionsStarter } from './step-functions-starter.ts';
import { UnconfiguredMailer } from './unconfigured-mailer.ts';

/** Per-query timeout and tries of validation DNS lookups (a task must answer well inside its Lambda timeout). */
const DNS_TIMEOUT_MS = 2000;
const DNS_TRIES = 2;

type Handler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/** A Lambda handler that composes its real handler on first use and delegates every invocation to it. */
export function lambdaHandler<TEvent, TResult>(
  compose: () => Promise<Handler<TEvent, TResult>>,
): Handler<TEvent, TResult> {
  let composed: Promise<Handler<TEvent, TResult>> | undefined;
  return async (event, context) => {
    if (!composed) {
      const composing = compose();
      composed = composing;
      composing.catch(() => {
        if (composed === composing) composed = undefined;
      });
    }
    return (await composed)(event, context);
  };
}

function common(env: Environment) {
  const aws = awsSettingsFromEnv(env);
  const dynamodb = dynamoDbClient(aws.settings.region);
  return { aws, dynamodb, store: new DynamoDbCertificateStore(dynamodb, aws.tableName) };
}

export async function composeApiHandler(
  env: Environment = process.env,
): Promise<Handler<APIGatewayProxyEvent, APIGatewayProxyResult>> {
  const { aws, dynamodb, store } = common(env);
  const settings = certwrightSettings(aws);
  const macKeyId = required(aws, 'macKeyId');
  const stateMachineArn = required(aws, 'stateMachineArn');
  const ca = await apiCaInfo(dynamodb, aws.tableName);
  return createApiHandler({
    store,
    workflow: new StepFunctionsStarter(sfnClient(aws.settings.region), stateMachineArn),
    clock: systemClock,
    random: cryptoRandom,
    mac: new KmsSecretMac(kmsClient(aws.settings.region), macKeyId),
    settings,
    caAlgorithm: ca.caAlgorithm,
    issuerName: ca.issuerName,
    mailer: validationMailer(aws),
    // Resolved on use, so the rest of the API runs on a deployment that has not set the variable.
    probe: {
      probe: (names) =>
        new LambdaDomainProbe(
          lambdaClient(aws.settings.region),
          required(aws, 'checkValidationFunctionArn'),
        ).probe(names),
    },
    ownZone: (name) =>
      new Route53ZoneWriter(route53Client(aws.settings.region), aws.hostedZones).manages(name),
    vault: new KmsKeyVault(kmsClient(aws.settings.region), required(aws, 'vaultKeyId')),
    events: eventPublisher(aws),
    revocations: new DynamoDbRevocationStore(dynamodb, aws.tableName),
    // Resolved on use, as the probe: only RevokeCertificate needs the CRL function.
    crlRefresh: {
      request: () =>
        new LambdaCrlRefresh(lambdaClient(aws.settings.region), required(aws, 'crlFunctionArn')).request(),
    },
  });
}

/** The approval site's pages, public (no IAM authorization): GET shows an approval, POST gives it. */
export async function composeApprovalHandler(
  env: Environment = process.env,
): Promise<Handler<APIGatewayProxyEvent, APIGatewayProxyResult>> {
  const { store } = common(env);
  return createApprovalHandler(createApprovalDesk({ store, clock: systemClock }));
}

/**
 * What the API records about the CA on each request. An intermediate CA still waiting for its certificate
 * answers from its CSR, so the API stays up between the two deploys (issuance waits for the certificate).
 */
async function apiCaInfo(
  dynamodb: DynamoDBClient,
  tableName: string,
): Promise<{ issuerName: string; caAlgorithm: CaKeyAlgorithm }> {
  try {
    const { certificatePem } = await new DynamoDbIssuerSource(dynamodb, tableName).current();
    return {
      issuerName: issuerDisplayName(certificatePem),
      caAlgorithm: caCertificateAlgorithm(certificatePem),
    };
  } catch (error) {
    if (!(error instanceof CaCertificateNotInstalledError)) throw error;
    const csrPem = await new DynamoDbIssuerCertificateStore(dynamodb, tableName).pendingCsr();
    if (csrPem === undefined) throw error;
    return pendingCaInfo(csrPem);
  }
}

export async function composePublishValidationRecordsHandler(
  env: Environment = process.env,
): Promise<Handler<CertificateTaskEvent, unknown>> {
  const { aws, store } = common(env);
  return createPublishValidationRecordsHandler({
    store,
    zoneWriter: zoneWriter(aws),
    mailer: validationMailer(aws),
    clock: systemClock,
    random: cryptoRandom,
    approvalBaseUrl: aws.settings.approvalBaseUrl,
    domainPolicy: aws.settings.domainPolicy,
    whois: whoisLookup(aws),
  });
}

/** Only with CERTWRIGHT_WHOIS_SERVER: a failed lookup is logged and mails the approver addresses alone. */
function whoisLookup(aws: AwsEnvironment): WhoisClient | undefined {
  if (aws.whoisServer === undefined) return undefined;
  return new WhoisClient({
    server: aws.whoisServer,
    onFailure: (failure) => console.warn(JSON.stringify({ message: 'WHOIS lookup failed', ...failure })),
  });
}

export async function composeCheckValidationHandler(
  env: Environment = process.env,
): Promise<Handler<CertificateTaskEvent | DomainProbeEvent, unknown>> {
  const { aws, store } = common(env);
  return createCheckValidationHandler({
    store,
    resolver: new NodeDnsResolver({ servers: aws.dnsResolvers, timeoutMs: DNS_TIMEOUT_MS, tries: DNS_TRIES }),
    clock: systemClock,
    pollSchedule: aws.settings.pollSchedule,
    caaIdentities: aws.settings.caaIdentities,
  });
}

/**
 * The CA: workflow issue tasks, and the deploy-time CA bootstrap custom resource (the Provider framework's
 * onEvent), both signing with the one CA key.
 */
export async function composeIssueCertificateHandler(
  env: Environment = process.env,
): Promise<
  Handler<CertificateTaskEvent | CloudFormationCustomResourceEvent, unknown | CustomResourceResponse>
> {
  const { aws, dynamodb, store } = common(env);
  const caKeyId = required(aws, 'caKeyId');
  const vaultKeyId = required(aws, 'vaultKeyId');
  const kms = kmsClient(aws.settings.region);
  const signer = await KmsCaSigner.create(kms, caKeyId);
  // Made on the first task: the bootstrap does not publish events, so it runs without the event bus set.
  let issue: ReturnType<typeof createIssueCertificateHandler> | undefined;
  const issueTask: Handler<CertificateTaskEvent, unknown> = async (event, context) => {
    issue ??= createIssueCertificateHandler({
      store,
      clock: systemClock,
      random: cryptoRandom,
      signer,
      issuer: new DynamoDbIssuerSource(dynamodb, aws.tableName),
      vault: new KmsKeyVault(kms, vaultKeyId),
      profile: aws.settings.profile,
      events: eventPublisher(aws),
    });
    return issue(event, context);
  };
  const bootstrap = createCaBootstrapResourceHandler({
    signer,
    store: new DynamoDbIssuerCertificateStore(dynamodb, aws.tableName),
    clock: systemClock,
    random: cryptoRandom,
  });
  return withCaBootstrap(issueTask, bootstrap);
}

export async function composeRecordFailureHandler(
  env: Environment = process.env,
): Promise<Handler<CertificateTaskEvent, unknown>> {
  const { store } = common(env);
  return createRecordFailureHandler({ store, clock: systemClock });
}

/**
 * The schedule rule's target: expires certificates past their NotAfter, sends the expiry notices, starts
 * managed renewals (executions of the certificate workflow) and mails Renewal Action Required to the
 * notification addresses.
 */
export async function composeScheduleHandler(
  env: Environment = process.env,
): Promise<Handler<ScheduledEvent, ScheduleRun>> {
  const { aws, store } = common(env);
  return createScheduleHandler({
    store,
    events: eventPublisher(aws),
    clock: systemClock,
    renewal: {
      workflow: new StepFunctionsStarter(sfnClient(aws.settings.region), required(aws, 'stateMachineArn')),
      mailer: notificationMailer(aws),
      settings: aws.settings.renewal,
    },
  });
}

/** SES from the configured sender; without one, a mailer that fails naming the variable (synth refuses it). */
function notificationMailer(aws: AwsEnvironment): Mailer {
  if (aws.emailSender === undefined)
    return new UnconfiguredMailer(`this deployment has no email sender (${AWS_ENV.emailSender} is not set).`);
  return new SesMailer(sesClient(aws.settings.region), {
    from: aws.emailSender,
    identityArn: aws.sesIdentityArn,
  });
}

/**
 * The CRL function: the schedule rule's target and the API's refresh requests. It signs with the CA key
 * (kms:Sign, as the issue function) and may write the CRL object only.
 */
export async function composePublishCrlHandler(
  env: Environment = process.env,
): Promise<Handler<unknown, unknown>> {
  const { aws, dynamodb } = common(env);
  const signer = await KmsCaSigner.create(kmsClient(aws.settings.region), required(aws, 'caKeyId'));
  return createPublishCrlHandler({
    signer,
    issuer: new DynamoDbIssuerSource(dynamodb, aws.tableName),
    revocations: new DynamoDbRevocationStore(dynamodb, aws.tableName),
    publisher: new S3CrlPublisher(s3Client(aws.settings.region), {
      bucket: required(aws, 'crlBucket'),
      key: required(aws, 'crlKey'),
    }),
    clock: systemClock,
    random: cryptoRandom,
  });
}

/**
 * SES from the configured sender. Without a sender, or without the approval site's URL for the links, a
 * mailer that fails every send naming the missing variable: DNS validation never mails and works as before,
 * EMAIL validation fails at its first mail with that message.
 */
function validationMailer(aws: AwsEnvironment): Mailer {
  if (aws.emailSender === undefined)
    return new UnconfiguredMailer(`this deployment has no email sender (${AWS_ENV.emailSender} is not set).`);
  if (aws.settings.approvalBaseUrl === '')
    return new UnconfiguredMailer(
      `this deployment has no approval site URL for the links (${AWS_ENV.approvalBaseUrl} is not set).`,
    );
  return new SesMailer(sesClient(aws.settings.region), {
    from: aws.emailSender,
    identityArn: aws.sesIdentityArn,
  });
}

function eventPublisher(aws: AwsEnvironment): EventBridgePublisher {
  return new EventBridgePublisher(eventBridgeClient(aws.settings.region), required(aws, 'eventBusName'));
}

function zoneWriter(aws: AwsEnvironment): Route53ZoneWriter {
  try {
    return new Route53ZoneWriter(route53Client(aws.settings.region), aws.hostedZones);
  } catch (error) {
    throw new Error(
      `The environment variable CERTWRIGHT_HOSTED_ZONES is invalid: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
