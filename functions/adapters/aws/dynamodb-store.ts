/**
 * CertificateStore on one DynamoDB table (in AWS, and locally on dynalite). dynalite has no transactions and
 * no TTL, so every write is a single conditional item write and expiry is compared on read.
 *
 * Items:
 * - certificate: pk ACCOUNT#<accountId>, sk CERTIFICATE#<id>; `record` (the record without its version),
 *   `version`, `arn`, and the work-queue index attributes while it has background work: queue
 *   PENDING_VALIDATION due at its validation deadline, or queue ISSUED due at its scheduledWorkAt (unset:
 *   its announcement) or NotAfter, whichever comes first (at its IssuedAt while not announced)
 * - idempotency claim: pk ACCOUNT#<accountId>, sk IDEMPOTENCY#<token>; `arn`, `expiresAt` (epoch seconds),
 *   `created` (true once the claimer wrote the certificate and started its workflow)
 * - serial reservation: pk SERIAL#<hex>, sk SERIAL; `certificateArn`, `reservedAt`
 * - approval link: pk APPROVAL#<sha-256 of the token, hex>, sk APPROVAL; the ApprovalRecord fields
 * - quota counts: pk ACCOUNT#<accountId>, sk QUOTA; `held` (certificates the account holds), `requests`
 *   (the sum of the day counters), one counter `d<day>` per UTC day (days since the epoch) with requests,
 *   `oldestDay` (the earliest day counter). See reserveQuota.
 * - account configuration: pk ACCOUNT#<accountId>, sk CONFIGURATION; `daysBeforeExpiry`, `updatedAt`,
 *   `tokens` (the idempotency tokens of the last hour's puts, each with its lapse time), `revision`
 *
 * No index serves the quotas: the quota item is read and written by its key.
 */

import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError, InvalidArgsError, SerialCollisionError } from '../../core/errors.ts';
import type {
  CertificateRecord,
  CertificateStatus,
  IssuedCertificate,
  RenewalStatus,
} from '../../core/model.ts';
import { utcDay } from '../../core/policy/request-window.ts';
import type {
  AccountConfiguration,
  ApprovalRecord,
  CertificateListQuery,
  CertificatePage,
  CertificateStore,
  IdempotencyClaim,
  QuotaLimits,
  QuotaOutcome,
  QuotaReservation,
  QuotaUsage,
  RequestWindow,
  StorePageKey,
} from '../../core/ports.ts';
import { WORK_QUEUE_INDEX } from './table-schema.ts';

const ACCOUNT_PREFIX = 'ACCOUNT#';
const CERTIFICATE_PREFIX = 'CERTIFICATE#';
const IDEMPOTENCY_PREFIX = 'IDEMPOTENCY#';
const SERIAL_PREFIX = 'SERIAL#';
const APPROVAL_PREFIX = 'APPROVAL#';
const APPROVAL_SORT_KEY = 'APPROVAL';
const QUOTA_SORT_KEY = 'QUOTA';
const CONFIGURATION_SORT_KEY = 'CONFIGURATION';
const DAY_COUNTER_PREFIX = 'd';
/** Tokens kept with an account's configuration: the newest ones, so the item stays small however busy. */
const MAX_CONFIGURATION_TOKENS = 1000;
/** Rounds of a configuration put that keeps losing its conditional write to other puts. */
const MAX_CONFIGURATION_ROUNDS = 10;
/** Rounds of reserveQuota's write-read loop before it gives up on an account whose counts keep changing. */
const MAX_QUOTA_ROUNDS = 10;
const PENDING_VALIDATION_QUEUE = 'PENDING_VALIDATION';
const ISSUED_QUEUE = 'ISSUED';
/** The renewal statuses of a renewal under way (core's renewalInProgress), for a scan's filter. */
const RENEWAL_IN_PROGRESS: readonly RenewalStatus[] = ['PENDING_AUTO_RENEWAL', 'PENDING_VALIDATION'];

/**
 * How many items one filtered query reads at least. DynamoDB applies Limit before the filter, so asking
 * for only the certificates still missing would cost one round trip per non-matching certificate.
 */
const MIN_ITEMS_PER_FILTERED_QUERY = 100;

type StoredRecord = Omit<CertificateRecord, 'version'>;
type DuePage = Awaited<ReturnType<CertificateStore['listIssuedDueBy']>>;

interface CertificateItem {
  pk: string;
  sk: string;
  arn: string;
  version: number;
  record: StoredRecord;
  workQueue?: string;
  workDueAt?: string;
  /** Set by create only, to recognise its own write when a retried put finds the item there. */
  createdBy?: string;
}

interface QuotaItem {
  held: number;
  requests: number;
  oldestDay?: number;
  /** `d<day>` day counters. */
  [counter: string]: number | string | undefined;
}

interface ConfigurationItem {
  daysBeforeExpiry?: number;
  /** Idempotency tokens of recent puts, each with when it lapses (epoch seconds). */
  tokens?: Record<string, number>;
  /** Raised by every put; a put is conditional on the one it read. */
  revision?: number;
}

interface PendingValidationEntry {
  accountId: string;
  certificateId: string;
  arn: string;
}

export class DynamoDbCertificateStore implements CertificateStore {
  private readonly documents: DynamoDBDocumentClient;

  /** A DocumentClient passed in is used as is: it must marshall with `removeUndefinedValues`. */
  constructor(
    client: DynamoDBDocumentClient | DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.documents =
      client instanceof DynamoDBClient
        ? DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } })
        : client;
  }

  async create(certificate: CertificateRecord): Promise<boolean> {
    const createdBy = randomUUID();
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...certificateItem(certificate, certificate.version), createdBy },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // The SDK retries a put whose answer was lost: the item found may be this call's own first attempt.
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: certificateKey(certificate.accountId, certificate.id),
        ProjectionExpression: 'createdBy',
        ConsistentRead: true,
      }),
    );
    return Item?.createdBy === createdBy;
  }

  async get(accountId: string, certificateId: string): Promise<CertificateRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: certificateKey(accountId, certificateId),
        ConsistentRead: true,
      }),
    );
    return Item ? certificateFromItem(Item as CertificateItem) : undefined;
  }

  async save(certificate: CertificateRecord): Promise<CertificateRecord> {
    const newVersion = certificate.version + 1;
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: certificateItem(certificate, newVersion),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': certificate.version },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConcurrentModificationError(
          `Certificate ${certificate.arn} is no longer at version ${certificate.version}`,
        );
      }
      throw error;
    }
    return { ...certificate, version: newVersion };
  }

  async delete(accountId: string, certificateId: string, expectedVersion?: number): Promise<boolean> {
    try {
      const { Attributes } = await this.documents.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: certificateKey(accountId, certificateId),
          ReturnValues: 'ALL_OLD',
          ...(expectedVersion === undefined
            ? {}
            : {
                ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
      return Attributes !== undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new ConcurrentModificationError(
        `Certificate ${certificateId} is no longer at version ${expectedVersion}`,
      );
    }
  }

  /**
   * Queries until `limit` certificates are collected or the account runs out. The next key points at the
   * last certificate returned (not the last item read), so the next page starts right after it.
   */
  async list(accountId: string, query: CertificateListQuery): Promise<CertificatePage> {
    const { limit, startKey } = query;
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`List limit must be at least 1: ${limit}`);
    const filter = listFilter(query);
    const passes = extendedKeyUsageCheck(query.extendedKeyUsages);
    const certificates: CertificateRecord[] = [];
    let lastReturnedSortKey: string | undefined;
    let exclusiveStartKey: Record<string, unknown> | undefined = startKey
      ? listStartKey(accountId, startKey)
      : undefined;
    let moreAfterLastReturned = false;
    do {
      const remaining = limit - certificates.length;
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :certificatePrefix)',
          ExpressionAttributeValues: {
            ':pk': accountPartitionKey(accountId),
            ':certificatePrefix': CERTIFICATE_PREFIX,
            ...filter?.values,
          },
          ExpressionAttributeNames: filter?.names,
          FilterExpression: filter?.expression,
          ExclusiveStartKey: exclusiveStartKey,
          Limit: filter || passes ? Math.max(remaining, MIN_ITEMS_PER_FILTERED_QUERY) : remaining,
          ConsistentRead: true,
        }),
      );
      const items = (page.Items ?? []) as CertificateItem[];
      let read = 0;
      for (const item of items) {
        if (certificates.length === limit) break;
        read += 1;
        const certificate = certificateFromItem(item);
        if (passes && !passes(certificate)) continue;
        certificates.push(certificate);
        lastReturnedSortKey = item.sk;
      }
      exclusiveStartKey = page.LastEvaluatedKey;
      moreAfterLastReturned = read < items.length || exclusiveStartKey !== undefined;
    } while (exclusiveStartKey && certificates.length < limit);

    return moreAfterLastReturned && lastReturnedSortKey
      ? { certificates, nextKey: { sk: lastReturnedSortKey } }
      : { certificates };
  }

  async claimIdempotencyToken(
    accountId: string,
    token: string,
    arn: string,
    now: Date,
    windowSeconds: number,
  ): Promise<IdempotencyClaim> {
    const key = idempotencyKey(accountId, token);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    // The claim item can only disappear if a TTL is configured on `expiresAt` (AWS), so a second try suffices.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, arn, expiresAt: nowSeconds + windowSeconds, created: false },
            // A claim lapses at its expiresAt: it binds the token for exactly windowSeconds.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        );
        return { arn, claimedNow: true, created: false };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      if (Item) return { arn: Item.arn as string, claimedNow: false, created: Item.created === true };
    }
    throw new ConcurrentModificationError(`Idempotency token ${token} kept changing while being claimed`);
  }

  async confirmIdempotencyClaim(accountId: string, token: string, arn: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: idempotencyKey(accountId, token),
          UpdateExpression: 'SET #created = :created',
          ConditionExpression: '#arn = :arn',
          ExpressionAttributeNames: { '#created': 'created', '#arn': 'arn' },
          ExpressionAttributeValues: { ':created': true, ':arn': arn },
        }),
      );
    } catch (error) {
      // The claim lapsed and now binds another ARN (or is gone): it is not this request's to confirm.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async reserveSerial(serialHex: string, certificateArn: string, now: Date): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `${SERIAL_PREFIX}${serialHex}`,
            sk: 'SERIAL',
            certificateArn,
            reservedAt: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new SerialCollisionError(`Serial ${serialHex} is already reserved`);
      }
      throw error;
    }
  }

  async saveApproval(approval: ApprovalRecord): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `${APPROVAL_PREFIX}${approval.tokenHash}`, sk: APPROVAL_SORT_KEY, ...approval },
      }),
    );
  }

  async findApproval(tokenHash: string): Promise<ApprovalRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `${APPROVAL_PREFIX}${tokenHash}`, sk: APPROVAL_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const { certificateArn, accountId, certificateId, domainName, expiresAt } = Item as ApprovalRecord;
    return { tokenHash, certificateArn, accountId, certificateId, domainName, expiresAt };
  }

  /**
   * One conditional update adds 1 to `held`, `requests` and today's counter, on the condition that the
   * item exists, `held` and `requests` are under their limits, and no day counter is older than the window
   * (so `requests` is exactly the window's count). When it fails, the item is read to find why: missing
   * (seed it from the certificates), stale day counters (remove them), a limit reached (refuse), or a
   * change in between (try again).
   */
  async reserveQuota(accountId: string, window: RequestWindow, limits: QuotaLimits): Promise<QuotaOutcome> {
    const key = quotaKey(accountId);
    for (let round = 0; round < MAX_QUOTA_ROUNDS; round++) {
      try {
        await this.documents.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression:
              'ADD held :one, requests :one, #day :one SET oldestDay = if_not_exists(oldestDay, :day)',
            ConditionExpression:
              'held < :certificates AND requests < :requests AND ' +
              '(attribute_not_exists(oldestDay) OR oldestDay >= :firstDay)',
            ExpressionAttributeNames: { '#day': dayCounter(window.day) },
            ExpressionAttributeValues: {
              ':one': 1,
              ':day': window.day,
              ':firstDay': window.firstDay,
              ':certificates': limits.certificates,
              ':requests': limits.requests,
            },
          }),
        );
        return { granted: true, reservation: { day: window.day } };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const item = await this.readQuota(accountId);
      if (!item) await this.seedQuota(accountId, window);
      else if (staleDays(item, window).length > 0 || (item.oldestDay ?? window.firstDay) < window.firstDay) {
        await this.pruneQuota(accountId, item, window);
      } else if (item.held >= limits.certificates) return { granted: false, exceeded: 'CERTIFICATES' };
      else if (item.requests >= limits.requests) return { granted: false, exceeded: 'REQUESTS' };
    }
    throw new ConcurrentModificationError(`The quota counts of account ${accountId} kept changing`);
  }

  async releaseQuota(accountId: string, reservation: QuotaReservation): Promise<void> {
    await this.decrementQuota(accountId, ['held', 'requests', dayCounter(reservation.day)]);
  }

  async releaseHeldCertificate(accountId: string): Promise<void> {
    await this.decrementQuota(accountId, ['held']);
  }

  async quotaUsage(accountId: string, window: RequestWindow): Promise<QuotaUsage> {
    let item = await this.readQuota(accountId);
    if (!item) {
      await this.seedQuota(accountId, window);
      item = await this.readQuota(accountId);
    }
    if (!item) throw new ConcurrentModificationError(`The quota counts of account ${accountId} are missing`);
    return usageWithin(item, window);
  }

  async peekQuotaUsage(accountId: string, window: RequestWindow): Promise<QuotaUsage> {
    const item = await this.readQuota(accountId);
    if (item) return usageWithin(item, window);
    const { held, days } = await this.countHeldCertificates(accountId, window);
    return { certificates: held, requests: [...days.values()].reduce((sum, count) => sum + count, 0) };
  }

  async getAccountConfiguration(accountId: string): Promise<AccountConfiguration | undefined> {
    const item = await this.readConfiguration(accountId);
    if (!item || typeof item.daysBeforeExpiry !== 'number') return undefined;
    return { expiryEvents: { daysBeforeExpiry: item.daysBeforeExpiry } };
  }

  /**
   * Read, then a write conditional on the revision read, so a token is never taken twice and concurrent
   * puts with different tokens each land (the last one wins).
   */
  async putAccountConfiguration(
    accountId: string,
    configuration: AccountConfiguration,
    request: { idempotencyToken: string; now: Date; windowSeconds: number },
  ): Promise<'APPLIED' | 'REPEATED'> {
    const nowSeconds = Math.floor(request.now.getTime() / 1000);
    for (let round = 1; ; round++) {
      const item = await this.readConfiguration(accountId);
      const liveTokens = Object.entries(item?.tokens ?? {}).filter(([, expiresAt]) => expiresAt > nowSeconds);
      if (liveTokens.some(([token]) => token === request.idempotencyToken)) return 'REPEATED';
      const tokens = Object.fromEntries(
        [...liveTokens, [request.idempotencyToken, nowSeconds + request.windowSeconds] as const]
          .sort(([, a], [, b]) => a - b)
          .slice(-MAX_CONFIGURATION_TOKENS),
      );
      const revision = item?.revision ?? 0;
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...configurationKey(accountId),
              daysBeforeExpiry: configuration.expiryEvents.daysBeforeExpiry,
              updatedAt: request.now.toISOString(),
              tokens,
              revision: revision + 1,
            },
            ConditionExpression: revision === 0 ? 'attribute_not_exists(revision)' : 'revision = :revision',
            ExpressionAttributeValues: revision === 0 ? undefined : { ':revision': revision },
          }),
        );
        return 'APPLIED';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || round >= MAX_CONFIGURATION_ROUNDS)
          throw error;
      }
    }
  }

  private async readConfiguration(accountId: string): Promise<ConfigurationItem | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: configurationKey(accountId), ConsistentRead: true }),
    );
    return Item as ConfigurationItem | undefined;
  }

  private async readQuota(accountId: string): Promise<QuotaItem | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: quotaKey(accountId), ConsistentRead: true }),
    );
    return Item as QuotaItem | undefined;
  }

  /**
   * Writes an account's first quota item from the certificates it holds, each a request on its createdAt
   * day, unless another call wrote it first. Certificates are only written after a reservation, and a
   * reservation needs the item, so no certificate is written while they are counted.
   */
  private async seedQuota(accountId: string, window: RequestWindow): Promise<void> {
    const { held, days } = await this.countHeldCertificates(accountId, window);
    const counters = Object.fromEntries([...days].map(([day, count]) => [dayCounter(day), count]));
    const requests = [...days.values()].reduce((sum, count) => sum + count, 0);
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...quotaKey(accountId),
            held,
            requests,
            ...counters,
            ...(days.size > 0 ? { oldestDay: Math.min(...days.keys()) } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** The certificates the account holds, and how many of them were created on each day of the window. */
  private async countHeldCertificates(
    accountId: string,
    window: RequestWindow,
  ): Promise<{ held: number; days: Map<number, number> }> {
    const days = new Map<number, number>();
    let held = 0;
    let exclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :certificatePrefix)',
          ProjectionExpression: '#record.#createdAt',
          ExpressionAttributeNames: { '#record': 'record', '#createdAt': 'createdAt' },
          ExpressionAttributeValues: {
            ':pk': accountPartitionKey(accountId),
            ':certificatePrefix': CERTIFICATE_PREFIX,
          },
          ExclusiveStartKey: exclusiveStartKey,
          ConsistentRead: true,
        }),
      );
      for (const item of page.Items ?? []) {
        held += 1;
        const day = utcDay(new Date((item as Pick<CertificateItem, 'record'>).record.createdAt));
        if (day >= window.firstDay) days.set(day, (days.get(day) ?? 0) + 1);
      }
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return { held, days };
  }

  /**
   * Removes the day counters older than the window and takes their counts off `requests`, on the condition
   * that they still hold what was read. A lost race leaves the item as the winner wrote it.
   */
  private async pruneQuota(accountId: string, item: QuotaItem, window: RequestWindow): Promise<void> {
    const stale = staleDays(item, window);
    const kept = dayCounters(item).filter(([day]) => day >= window.firstDay);
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const conditions: string[] = [];
    stale.forEach(([day, count], index) => {
      names[`#stale${index}`] = dayCounter(day);
      values[`:stale${index}`] = count;
      conditions.push(`#stale${index} = :stale${index}`);
    });
    const removed = stale.reduce((sum, [, count]) => sum + count, 0);
    const oldest = kept.length > 0 ? Math.min(...kept.map(([day]) => day)) : undefined;
    conditions.push(item.oldestDay === undefined ? 'attribute_not_exists(oldestDay)' : 'oldestDay = :oldest');
    if (item.oldestDay !== undefined) values[':oldest'] = item.oldestDay;
    const remove = [...Object.keys(names), ...(oldest === undefined ? ['oldestDay'] : [])];
    const clauses = [
      ...(oldest === undefined ? [] : ['SET oldestDay = :newOldest']),
      ...(remove.length > 0 ? [`REMOVE ${remove.join(', ')}`] : []),
      'ADD requests :removed',
    ];
    if (oldest !== undefined) values[':newOldest'] = oldest;
    values[':removed'] = -removed;
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: quotaKey(accountId),
          UpdateExpression: clauses.join(' '),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Subtracts 1 from each attribute, if each is at least 1 (so a count never goes below zero). */
  private async decrementQuota(accountId: string, attributes: string[]): Promise<void> {
    const names = Object.fromEntries(attributes.map((attribute, index) => [`#count${index}`, attribute]));
    const placeholders = Object.keys(names);
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: quotaKey(accountId),
          UpdateExpression: `ADD ${placeholders.map((name) => `${name} :minusOne`).join(', ')}`,
          ConditionExpression: placeholders.map((name) => `${name} >= :one`).join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':one': 1, ':minusOne': -1 },
        }),
      );
    } catch (error) {
      // Nothing counted to take back: the account's counts are seeded from its certificates later.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listPendingValidation(): Promise<PendingValidationEntry[]> {
    return this.collectPending((exclusiveStartKey) =>
      this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: WORK_QUEUE_INDEX.indexName,
          KeyConditionExpression: '#queue = :queue',
          ExpressionAttributeNames: { '#queue': WORK_QUEUE_INDEX.partitionKey.name },
          ExpressionAttributeValues: { ':queue': PENDING_VALIDATION_QUEUE },
          ExclusiveStartKey: exclusiveStartKey,
        }),
      ),
    );
  }

  async listIssuedDueBy(until: Date, limit: number, startKey?: StorePageKey): Promise<DuePage> {
    checkPageLimit(limit);
    const page = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: WORK_QUEUE_INDEX.indexName,
        KeyConditionExpression: '#queue = :queue AND #due <= :until',
        ExpressionAttributeNames: {
          '#queue': WORK_QUEUE_INDEX.partitionKey.name,
          '#due': WORK_QUEUE_INDEX.sortKey.name,
        },
        ExpressionAttributeValues: { ':queue': ISSUED_QUEUE, ':until': until.toISOString() },
        ExclusiveStartKey: startKey,
        Limit: limit,
      }),
    );
    return duePage((page.Items ?? []) as CertificateItem[], page.LastEvaluatedKey);
  }

  /**
   * The same as listIssuedDueBy, read from the certificates themselves (a full scan, in no particular
   * order), for the local stack's first schedule run: it also finds a certificate whose index entry is
   * missing, which dynalite can leave behind (see scanPendingValidation), and certificates written before
   * ISSUED ones were queued.
   */
  async scanIssuedDueBy(until: Date, limit: number, startKey?: StorePageKey): Promise<DuePage> {
    checkPageLimit(limit);
    const page = await this.documents.send(this.scanCertificatesIn('ISSUED', startKey, { limit }));
    const due = ((page.Items ?? []) as CertificateItem[]).filter((item) => {
      const { workQueue, workDueAt } = workQueueAttributes(certificateFromItem(item));
      return workQueue === ISSUED_QUEUE && workDueAt !== undefined && workDueAt <= until.toISOString();
    });
    return duePage(due, page.LastEvaluatedKey);
  }

  /**
   * The same as listPendingValidation, read from the certificates themselves (a full scan). For the local
   * stack's restart: dynalite writes an item and its index entries separately, so a process killed between
   * the two can leave a pending certificate out of the index. DynamoDB itself updates both together.
   */
  async scanPendingValidation(): Promise<PendingValidationEntry[]> {
    return this.collectPending((exclusiveStartKey) =>
      this.documents.send(this.scanCertificatesIn('PENDING_VALIDATION', exclusiveStartKey)),
    );
  }

  /**
   * The ISSUED certificates with a managed renewal under way (PENDING_AUTO_RENEWAL or PENDING_VALIDATION),
   * read from the certificates themselves (a full scan), for the local stack's restart: a renewal's run ends
   * with the process that ran it, and no index lists renewals (nor could dynalite's be trusted after a kill,
   * see scanPendingValidation).
   */
  async scanRenewalsInProgress(): Promise<CertificateRecord[]> {
    return this.collectAll(
      (exclusiveStartKey) =>
        this.documents.send(
          this.scanCertificatesIn('ISSUED', exclusiveStartKey, { renewalStatuses: RENEWAL_IN_PROGRESS }),
        ),
      (item) => certificateFromItem(item as unknown as CertificateItem),
    );
  }

  /**
   * One page of a consistent scan for the certificates in one status (the index bypassed), and with
   * `renewalStatuses`, only those whose renewal is in one of them.
   */
  private scanCertificatesIn(
    status: CertificateStatus,
    startKey: StorePageKey | QueryCommandInput['ExclusiveStartKey'],
    options: { limit?: number; renewalStatuses?: readonly RenewalStatus[] } = {},
  ): ScanCommand {
    const { limit, renewalStatuses } = options;
    const renewalValues = Object.fromEntries(
      (renewalStatuses ?? []).map((renewalStatus, index) => [`:renewal${index}`, renewalStatus]),
    );
    const renewalClause = renewalStatuses
      ? ` AND #record.#renewal.#status IN (${Object.keys(renewalValues).join(', ')})`
      : '';
    return new ScanCommand({
      TableName: this.tableName,
      ConsistentRead: true,
      FilterExpression: `begins_with(sk, :certificate) AND #record.#status = :status${renewalClause}`,
      ExpressionAttributeNames: {
        '#record': 'record',
        '#status': 'status',
        ...(renewalStatuses ? { '#renewal': 'renewal' } : {}),
      },
      ExpressionAttributeValues: { ':certificate': CERTIFICATE_PREFIX, ':status': status, ...renewalValues },
      ExclusiveStartKey: startKey,
      ...(limit === undefined ? {} : { Limit: limit }),
    });
  }

  private collectPending(readPage: PageReader): Promise<PendingValidationEntry[]> {
    return this.collectAll(readPage, (item) => ({
      accountId: withoutPrefix(item.pk as string, ACCOUNT_PREFIX),
      certificateId: withoutPrefix(item.sk as string, CERTIFICATE_PREFIX),
      arn: item.arn as string,
    }));
  }

  /** Every item of every page `readPage` reads, each mapped by `map`. */
  private async collectAll<T>(readPage: PageReader, map: (item: Record<string, unknown>) => T): Promise<T[]> {
    const entries: T[] = [];
    let exclusiveStartKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await readPage(exclusiveStartKey);
      for (const item of page.Items ?? []) entries.push(map(item));
      exclusiveStartKey = page.LastEvaluatedKey;
    } while (exclusiveStartKey);
    return entries;
  }
}

type PageReader = (startKey: QueryCommandInput['ExclusiveStartKey']) => Promise<{
  Items?: Record<string, unknown>[];
  LastEvaluatedKey?: QueryCommandInput['ExclusiveStartKey'];
}>;

function checkPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Page limit must be at least 1: ${limit}`);
}

/** Index items carry the table keys and `arn` (WORK_QUEUE_INDEX.projectedAttributes). */
function duePage(
  items: Array<Pick<CertificateItem, 'pk' | 'sk' | 'arn'>>,
  lastEvaluatedKey?: Record<string, unknown>,
): DuePage {
  const references = items.map((item) => ({
    accountId: withoutPrefix(item.pk, ACCOUNT_PREFIX),
    certificateId: withoutPrefix(item.sk, CERTIFICATE_PREFIX),
    arn: item.arn,
  }));
  return lastEvaluatedKey ? { references, nextKey: lastEvaluatedKey as StorePageKey } : { references };
}

function accountPartitionKey(accountId: string): string {
  return `${ACCOUNT_PREFIX}${accountId}`;
}

function idempotencyKey(accountId: string, token: string): { pk: string; sk: string } {
  return { pk: accountPartitionKey(accountId), sk: `${IDEMPOTENCY_PREFIX}${token}` };
}

function quotaKey(accountId: string): { pk: string; sk: string } {
  return { pk: accountPartitionKey(accountId), sk: QUOTA_SORT_KEY };
}

function configurationKey(accountId: string): { pk: string; sk: string } {
  return { pk: accountPartitionKey(accountId), sk: CONFIGURATION_SORT_KEY };
}

function dayCounter(day: number): string {
  return `${DAY_COUNTER_PREFIX}${day}`;
}

/** The item's day counters as [day, count]. */
function usageWithin(item: QuotaItem, window: RequestWindow): QuotaUsage {
  const requests = dayCounters(item)
    .filter(([day]) => day >= window.firstDay)
    .reduce((sum, [, count]) => sum + count, 0);
  return { certificates: item.held, requests };
}

function dayCounters(item: QuotaItem): Array<[day: number, count: number]> {
  return Object.entries(item)
    .filter(([name, value]) => /^d\d+$/.test(name) && typeof value === 'number')
    .map(([name, value]) => [Number(name.slice(DAY_COUNTER_PREFIX.length)), value as number]);
}

function staleDays(item: QuotaItem, window: RequestWindow): Array<[day: number, count: number]> {
  return dayCounters(item).filter(([day]) => day < window.firstDay);
}

function certificateKey(accountId: string, certificateId: string): { pk: string; sk: string } {
  return { pk: accountPartitionKey(accountId), sk: `${CERTIFICATE_PREFIX}${certificateId}` };
}

/** The item a certificate is stored as, with its key and work-queue index attributes (tools write it in bulk). */
export function certificateItem(certificate: CertificateRecord, version: number): CertificateItem {
  const { version: _replaced, ...record } = certificate;
  return {
    ...certificateKey(certificate.accountId, certificate.id),
    arn: certificate.arn,
    version,
    record,
    ...workQueueAttributes(certificate),
  };
}

/**
 * Puts the certificate in the work-queue index while it has background work coming: validation until its
 * deadline, and once ISSUED its announcement (if still owed) and its expiry. A put without them removes it.
 */
function workQueueAttributes(
  certificate: CertificateRecord,
): Pick<CertificateItem, 'workQueue' | 'workDueAt'> {
  if (certificate.status === 'PENDING_VALIDATION') {
    return { workQueue: PENDING_VALIDATION_QUEUE, workDueAt: certificate.validationDeadline };
  }
  const { issued } = certificate;
  if (certificate.status === 'ISSUED' && issued) {
    return { workQueue: ISSUED_QUEUE, workDueAt: issuedWorkDueAt(certificate, issued) };
  }
  return {};
}

/**
 * An unannounced issuance at once; else the schedule's next visit, never later than NotAfter. A body with no
 * visit planned (announced before visits were planned) is due from its announcement, so a run plans one.
 */
function issuedWorkDueAt(certificate: CertificateRecord, issued: IssuedCertificate): string {
  if (!issued.announcedAt) return issued.issuedAt;
  const scheduled = certificate.scheduledWorkAt ?? issued.announcedAt;
  return Date.parse(scheduled) < Date.parse(issued.notAfter) ? scheduled : issued.notAfter;
}

function certificateFromItem(item: CertificateItem): CertificateRecord {
  return { ...item.record, version: item.version };
}

/**
 * The FilterExpression for CertificateStore.list: an `IN` clause per listed record field, one `contains()`
 * per key usage (any of them), equality on the Export option. Undefined when nothing filters.
 */
function listFilter(query: CertificateListQuery) {
  const expression = new FilterBuilder();
  expression.oneOf(['record', 'status'], query.statuses);
  expression.oneOf(['record', 'keyAlgorithm'], query.keyAlgorithms);
  expression.oneOf(['record', 'type'], query.types);
  expression.containsAny(['record', 'issued', 'keyUsages'], query.keyUsages);
  if (query.exportOption) expression.oneOf(['record', 'options', 'export'], [query.exportOption]);
  return expression.build();
}

/** Collects the clauses of a FilterExpression with their name and value placeholders. */
class FilterBuilder {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, string> = {};
  private readonly clauses: string[] = [];

  oneOf(path: string[], accepted: readonly string[] | undefined): void {
    if (!accepted || accepted.length === 0) return;
    const placeholders = accepted.map((value) => this.value(value));
    this.clauses.push(`${this.path(path)} IN (${placeholders.join(', ')})`);
  }

  containsAny(path: string[], wanted: readonly string[] | undefined): void {
    if (!wanted || wanted.length === 0) return;
    const attribute = this.path(path);
    const tests = wanted.map((value) => `contains(${attribute}, ${this.value(value)})`);
    this.clauses.push(`(${tests.join(' OR ')})`);
  }

  build() {
    if (this.clauses.length === 0) return undefined;
    return { expression: this.clauses.join(' AND '), names: this.names, values: this.values };
  }

  private path(segments: string[]): string {
    return segments
      .map((segment) => {
        const placeholder = `#${segment}`;
        this.names[placeholder] = segment;
        return placeholder;
      })
      .join('.');
  }

  private value(value: string): string {
    const placeholder = `:value${Object.keys(this.values).length}`;
    this.values[placeholder] = value;
    return placeholder;
  }
}

/**
 * The extended key usage filter, checked on the items read: a certificate keeps each usage as a `{name,
 * oid}` map, and DynamoDB's contains() matches a list element only as a whole (dynalite's not even that).
 */
function extendedKeyUsageCheck(
  wanted: readonly string[] | undefined,
): ((certificate: CertificateRecord) => boolean) | undefined {
  if (!wanted || wanted.length === 0) return undefined;
  return (certificate) => {
    const usages = certificate.issued?.extendedKeyUsages ?? [];
    if (usages.length === 0) return wanted.includes('NONE');
    return usages.some(({ name }) => wanted.includes(name));
  };
}

/** Page keys come back from callers; only the sort key is taken, so a key cannot reach another account. */
function listStartKey(accountId: string, startKey: StorePageKey): { pk: string; sk: string } {
  const { sk } = startKey;
  if (typeof sk !== 'string' || !sk.startsWith(CERTIFICATE_PREFIX)) {
    throw new InvalidArgsError('The page key is not valid');
  }
  return { pk: accountPartitionKey(accountId), sk };
}

function withoutPrefix(value: string, prefix: string): string {
  return value.slice(prefix.length);
}
