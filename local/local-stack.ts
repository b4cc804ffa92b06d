import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoDbRevocationStore } from '../functions/adapters/aws/dynamodb-revocation-store.ts';
import type { DynamoDbCertificateStore } from '../functions/adapters/aws/dynamodb-store.ts';
import { NodeDnsResolver } from '../functions/adapters/dns/node-dns-resolver.ts';
import { RoutingDnsResolver } from '../functions/adapters/dns/routing-dns-resolver.ts';
import { WhoisClient } from '../functions/adapters/dns/whois-client.ts';
import { DirectDomainProbe } from '../functions/adapters/local/direct-domain-probe.ts';
import { EventLog } from '../functions/adapters/local/event-log.ts';
import { FanOutPublisher } from '../functions/adapters/local/fan-out-publisher.ts';
import { CRL_FILE, FileCrlPublisher } from '../functions/adapters/local/file-crl-publisher.ts';
import { FileKeyVault } from '../functions/adapters/local/file-key-vault.ts';
import { FileSecretMac } from '../functions/adapters/local/file-secret-mac.ts';
import { LocalZones } from '../functions/adapters/local/local-zones.ts';
import { OutboxMailer } from '../functions/adapters/local/outbox-mailer.ts';
import { SmtpMailer } from '../functions/adapters/local/smtp-mailer.ts';
import { WebhookPublisher } from '../functions/adapters/local/webhook-publisher.ts';
import { cryptoRandom } from '../functions/adapters/runtime/crypto-random.ts';
import { systemClock } from '../functions/adapters/runtime/system-clock.ts';
import { createApiHandler } from '../functions/api/api-handler.ts';
import { createApprovalHandler } from '../functions/approvals/approval-handler.ts';
import { createApprovalDesk } from '../functions/core/approvals/approval-desk-service.ts';
import { issuerDisplayName } from '../functions/core/issuance/ca-certificate-info.ts';
import type { Clock, EventPublisher, Mailer } from '../functions/core/ports.ts';
import { publishCrl } from '../functions/core/revocation/publish-crl.ts';
import { SerialCrlRefresh } from '../functions/core/revocation/serial-crl-refresh.ts';
import { type CertwrightSettings, DEFAULT_SETTINGS } from '../functions/core/settings.ts';
import { createScheduleHandler } from '../functions/schedule/run-schedule.ts';
import { createWorkflowTaskHandlers } from '../functions/tasks/workflow-task-handlers.ts';
import { hostPort, reachableAddress } from './addresses.ts';
import { type Account, loadOrCreateAccounts, lookupCredential } from './auth/accounts-file.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { startLocalDnsServer } from './dns-server.ts';
import { startEmbeddedTable } from './embedded-table.ts';
import { createLocalRequestListener } from './http-server.ts';
import { ensureLocalCa } from './local-ca.ts';
import { resumeInterruptedRuns } from './resume-interrupted-runs.ts';
import { withRunSchedule } from './run-schedule-operation.ts';
import { scheduledEvent, startScheduleTimer } from './schedule-timer.ts';
import type { LocalSettings } from './settings.ts';
import { ShutdownSequence } from './shutdown-sequence.ts';
import { LocalWorkflowRunner, type WorkflowRunnerOptions } from './workflow-runner.ts';

const CA_VALIDITY_YEARS = 10;
/** The account in the local timer's scheduled events (the rule's owner in AWS; nothing reads it). */
const LOCAL_ACCOUNT = '000000000000';
/** Certificate events, one JSON line each in EventBridge's envelope, under the data directory. */
export const EVENT_LOG_FILE = 'events.jsonl';

export interface LocalStackOptions {
  clock?: Clock;
  /** Test hooks: shorten Wait states and retries of the workflow. */
  workflow?: Pick<WorkflowRunnerOptions, 'waitTimeOverrides' | 'retryIntervalMs'>;
  log?: (entry: Record<string, unknown>) => void;
}

export interface LocalStack {
  url: string;
  port: number;
  dnsPort: number;
  accountsFile: { path: string; created: boolean; accounts: Account[] };
  caCertificatePem: string;
  settings: CertwrightSettings;
  runner: LocalWorkflowRunner;
  store: DynamoDbCertificateStore;
  /** The embedded table's client, for tools and tests that inspect the table itself. */
  dynamodb: DynamoDBClient;
  zones: LocalZones;
  /** Where certificate events are appended (EVENT_LOG_FILE in the data directory). */
  eventLogPath: string;
  /** The CRL (DER) as last published, served at `<url>/ca.crl`: CRL_FILE in the data directory. */
  crlPath: string;
  /** Publishes a new CRL after any publish under way; resolves when it is written. */
  publishCrl(): Promise<void>;
  /** Where validation mail goes: an SMTP server (its URL without credentials), or the outbox directory. */
  mail: { smtpServer: string } | { outboxDir: string };
  stop(): Promise<void>;
}

/** Composes the whole service on one machine: the same handlers and workflow as AWS, local adapters. */
export async function startLocalStack(
  local: LocalSettings,
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((entry) => console.log(JSON.stringify(entry)));
  mkdirSync(join(local.dataDir, 'secrets'), { recursive: true, mode: 0o700 });
  const lock = lockDataDir(local.dataDir);
  const shutdown = new ShutdownSequence();
  shutdown.add(() => lock.release());
  try {
    return await composeLocalStack(local, { clock, log, workflow: options.workflow }, shutdown);
  } catch (error) {
    await shutdown.run();
    throw error;
  }
}

async function composeLocalStack(
  local: LocalSettings,
  options: Required<Pick<LocalStackOptions, 'clock' | 'log'>> & Pick<LocalStackOptions, 'workflow'>,
  shutdown: ShutdownSequence,
): Promise<LocalStack> {
  const { clock, log } = options;
  const table = await startEmbeddedTable({ region: local.region, path: join(local.dataDir, 'db') });
  shutdown.add(() => table.close());
  const { store, client: dynamodb } = table;

  const ca = await ensureLocalCa({
    dataDir: local.dataDir,
    algorithm: local.caKeyAlgorithm,
    subject: local.caSubject,
    validityYears: CA_VALIDITY_YEARS,
    clock,
    random: cryptoRandom,
  });
  const accounts = await loadOrCreateAccounts(local.accountsFile);
  const zones = new LocalZones(local.localZones, join(local.dataDir, 'zones.json'));
  const dnsServer = await startLocalDnsServer({ zones, host: local.host, port: local.dnsPort });
  shutdown.add(() => dnsServer.close());
  const localZoneResolver = new NodeDnsResolver({
    servers: [hostPort(reachableAddress(local.host), dnsServer.port)],
    timeoutMs: 1000,
    tries: 2,
  });
  const resolver = new RoutingDnsResolver(
    local.localZones.map((zone) => ({ zone, resolver: localZoneResolver })),
    new NodeDnsResolver({ servers: local.dnsResolvers, timeoutMs: local.dnsTimeoutMs, tries: 2 }),
  );

  // The API port must be known before the certificate profile (its URLs point at this server), so the
  // server listens first and answers 503 until the API is composed.
  let serveRequest: RequestListener | undefined;
  const httpServer = createServer((request, response) =>
    serveRequest ? serveRequest(request, response) : response.writeHead(503).end(),
  );
  await listen(httpServer, local.port, local.host);
  shutdown.add(() => close(httpServer));
  const port = (httpServer.address() as AddressInfo).port;
  const url = `http://${hostPort(reachableAddress(local.host), port)}`;
  const publicUrl = local.publicUrl || url;

  const settings: CertwrightSettings = {
    ...DEFAULT_SETTINGS,
    region: local.region,
    validationDomain: local.validationDomain,
    approvalBaseUrl: publicUrl,
    validationTimeoutHours: local.validationTimeoutHours,
    maxDomainsPerCertificate: local.maxDomains,
    pollSchedule: {
      initialSeconds: local.pollInitialSeconds,
      factor: local.pollFactor,
      maxSeconds: local.pollMaxSeconds,
    },
    profile: {
      ...DEFAULT_SETTINGS.profile,
      validityDays: local.validityDays,
      caIssuersUrl: `${publicUrl}/ca.crt`,
      crlUrl: local.crlUrl ?? `${publicUrl}/${CRL_FILE}`,
    },
    caaIdentities: local.caaIdentities,
    domainPolicy: { denied: local.deniedDomains, allowed: local.allowedDomains },
    quotas: {
      certificatesPerAccount: local.maxCertificates,
      requestsPerYear: local.maxRequestsPerYear,
    },
    renewal: {
      windowDays: local.renewalWindowDays,
      renewAllIssued: local.renewAllIssued,
      notificationEmails: local.notificationEmails,
    },
  };
  const vault = await FileKeyVault.fromFile(join(local.dataDir, 'secrets', 'key-vault.key'));
  const mac = await FileSecretMac.fromFile(join(local.dataDir, 'secrets', 'deployment.secret'));
  const eventLog = new EventLog(join(local.dataDir, EVENT_LOG_FILE));
  const events = eventPublisher(eventLog, local.webhookUrls, log, shutdown);
  const { mailer, mail } = localMailer(local, clock);
  const revocations = new DynamoDbRevocationStore(dynamodb, table.tableName);
  const crlPublisher = new FileCrlPublisher(join(local.dataDir, CRL_FILE));
  const crlDeps = {
    signer: ca.signer,
    issuer: ca.issuer,
    revocations,
    publisher: crlPublisher,
    clock,
    random: cryptoRandom,
  };
  // A publish lease left by a killed process would hold publishing back until it lapses; the data directory
  // lock proves no other process publishes, so it is taken over (as lapsed at the end of time) and dropped.
  const takeover = cryptoRandom.uuid();
  await revocations.acquirePublishLease(takeover, new Date(8.64e15), clock.now());
  await revocations.releasePublishLease(takeover);
  // A CRL exists from the start, even with nothing revoked; later ones follow revocations and the schedule.
  await publishCrl(crlDeps);
  const crlRefresh = new SerialCrlRefresh(
    async () => log({ message: 'published the CRL', ...(await publishCrl(crlDeps)) }),
    (error) => log({ level: 'error', message: 'CRL publication failed', error: String(error) }),
  );
  shutdown.add(() => crlRefresh.idle());
  const runner = new LocalWorkflowRunner(
    createWorkflowTaskHandlers({
      store,
      resolver,
      clock,
      random: cryptoRandom,
      pollSchedule: settings.pollSchedule,
      signer: ca.signer,
      issuer: ca.issuer,
      vault,
      profile: settings.profile,
      events,
      zoneWriter: zones,
      mailer,
      approvalBaseUrl: settings.approvalBaseUrl,
      domainPolicy: settings.domainPolicy,
      caaIdentities: settings.caaIdentities,
      whois: local.whoisServer
        ? new WhoisClient({
            server: local.whoisServer,
            onFailure: (failure) => log({ message: 'WHOIS lookup failed', ...failure }),
          })
        : undefined,
    }),
    { ...options.workflow, log },
  );
  shutdown.add(async () => {
    runner.stop();
    await runner.idle();
  });
  let runScheduleNow: () => Promise<unknown> = () =>
    Promise.reject(new Error('The schedule is not started yet.'));
  const acmHandler = createApiHandler({
    store,
    workflow: runner,
    clock,
    random: cryptoRandom,
    mac,
    settings,
    caAlgorithm: ca.signer.algorithm,
    issuerName: issuerDisplayName(ca.certificatePem),
    mailer,
    probe: new DirectDomainProbe(resolver, settings.caaIdentities),
    ownZone: (name) => zones.manages(name),
    vault,
    events,
    revocations,
    crlRefresh,
  });
  serveRequest = createLocalRequestListener({
    apiHandler: withRunSchedule(acmHandler, () => runScheduleNow()),
    approvalHandler: createApprovalHandler(createApprovalDesk({ store, clock })),
    authenticate: {
      lookup: (accessKeyId) => lookupCredential(accounts.accounts, accessKeyId),
      region: local.region,
      services: ['acm', 'execute-api'],
      maxSkewMinutes: 15,
    },
    // Signatures are checked against real time, whatever clock the certificates run on.
    now: () => new Date(),
    documents: {
      '/ca.pem': { contentType: 'application/x-pem-file', body: () => ca.certificatePem },
      '/ca.crt': { contentType: 'application/pkix-cert', body: () => pemToDer(ca.certificatePem) },
      [`/${CRL_FILE}`]: { contentType: 'application/pkix-crl', body: () => readFileSync(crlPublisher.path) },
    },
  });

  await resumeInterruptedRuns({ store, workflow: runner, log });

  const scheduleDeps = {
    store,
    events,
    clock,
    renewal: { workflow: runner, mailer, settings: settings.renewal },
  };
  const schedule = createScheduleHandler(scheduleDeps);
  // Until a first run succeeds, due certificates are found by reading the certificates themselves, as the
  // runs resumed above: dynalite's index can miss one after a kill.
  const firstSchedule = createScheduleHandler({
    ...scheduleDeps,
    findDue: (until, limit, startKey) => store.scanIssuedDueBy(until, limit, startKey),
  });
  let scheduleRecovered = false;
  const timer = startScheduleTimer({
    intervalSeconds: local.scheduleIntervalSeconds,
    clock,
    log,
    run: async () => {
      const event = scheduledEvent({
        id: cryptoRandom.uuid(),
        account: LOCAL_ACCOUNT,
        region: local.region,
        time: clock.now(),
      });
      const result = await (scheduleRecovered ? schedule : firstSchedule)(event, {} as Context);
      scheduleRecovered = true;
      // As the deployment's CRL rule: a fresh CRL on every run, well before the last one's nextUpdate.
      await crlRefresh.next();
      return result;
    },
  });
  shutdown.add(() => timer.stop());
  runScheduleNow = () => timer.runNow();

  return {
    url,
    port,
    dnsPort: dnsServer.port,
    accountsFile: accounts,
    caCertificatePem: ca.certificatePem,
    settings,
    runner,
    store,
    dynamodb,
    zones,
    eventLogPath: eventLog.path,
    crlPath: crlPublisher.path,
    publishCrl: () => crlRefresh.next(),
    mail,
    stop: () => shutdown.run(),
  };
}

/**
 * Certificate events go to the event log and, with CERTWRIGHT_WEBHOOK_URLS, to each webhook in the
 * background after the log write; deliveries still retrying at shutdown are given up.
 */
function eventPublisher(
  eventLog: EventLog,
  webhookUrls: string[],
  log: (entry: Record<string, unknown>) => void,
  shutdown: ShutdownSequence,
): EventPublisher {
  if (webhookUrls.length === 0) return eventLog;
  const webhooks = new WebhookPublisher(webhookUrls, { log });
  shutdown.add(() => webhooks.stop());
  return new FanOutPublisher(eventLog, [webhooks], log);
}

/** Validation mail goes to the SMTP server when one is set, else into the outbox directory. */
function localMailer(local: LocalSettings, clock: Clock): { mailer: Mailer; mail: LocalStack['mail'] } {
  if (local.smtpUrl) {
    const mailer = new SmtpMailer({ url: local.smtpUrl, from: local.emailSender });
    const { host, port, secure } = mailer.server;
    return { mailer, mail: { smtpServer: `${secure ? 'smtps' : 'smtp'}://${hostPort(host, port)}` } };
  }
  const mailer = new OutboxMailer({
    directory: local.outboxDir,
    from: local.emailSender,
    clock,
    random: cryptoRandom,
  });
  return { mailer, mail: { outboxDir: local.outboxDir } };
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}
