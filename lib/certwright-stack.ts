import { fileURLToPath } from 'node:url';
import { CfnOutput, CustomResource, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  JsonSchemaType,
  JsonSchemaVersion,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Model,
  RequestValidator,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  type IRole,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Provider } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import { CA_CERTIFICATE_KEY } from '../functions/adapters/aws/dynamodb-issuer-source.ts';
import { CRL_PARTITION, REVOCATIONS_PARTITION } from '../functions/adapters/aws/dynamodb-revocation-store.ts';
import { PARTITION_KEY, SORT_KEY, WORK_QUEUE_INDEX } from '../functions/adapters/aws/table-schema.ts';
import { CA_RESOURCE_PHYSICAL_ID } from '../functions/tasks/ca-bootstrap-resource.ts';
import { WORKFLOW_TASKS, type WorkflowTaskName } from '../statemachines/workflow-tasks.ts';
import { CertwrightFunction, type FunctionName, LOG_RETENTION } from './certwright-function.ts';
import { acknowledgeNagFindings } from './nag-acknowledgments.ts';
import { type DeploySettings, readDeploySettings } from './settings.ts';

/** The workflow file the state machine runs: the same one the local stack interprets. */
const WORKFLOW_FILE = fileURLToPath(
  new URL('../statemachines/certificate-workflow.asl.json', import.meta.url),
);

/**
 * What a key's administrators (IAM identities of this account that are allowed to) may do: manage the key,
 * never use it. With this policy instead of KMS's default (`kms:*` for the account), IAM policies cannot
 * grant kms:Sign, kms:Decrypt, kms:GenerateDataKey or kms:GenerateMac; only the key policy statements
 * naming one function's role can.
 */
const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:GetPublicKey',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

/** The API's one stage: endpoints are https://<api id>.execute-api.<region>.amazonaws.com/v1/. */
const STAGE_NAME = 'v1';

/** The task each workflow placeholder stands for, as the function that runs it. */
const TASK_FUNCTIONS: Record<WorkflowTaskName, FunctionName> = {
  'publish-validation-records': 'publishValidationRecords',
  'check-validation': 'checkValidation',
  'issue-certificate': 'issueCertificate',
  'record-failure': 'recordFailure',
};

/** Table actions: the API creates, reads, lists and deletes; the tasks read and write single items. */
const API_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
];
const TASK_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
/**
 * The schedule and the approval site read and save single items (the schedule finds them through the
 * work-queue index, the approval site by the token's hash).
 */
const READ_SAVE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'];
/**
 * The CRL function reads the CA certificate and the revocations and counts CRL numbers: one item read, one
 * query and one update, in those partitions only (see dynamodb-revocation-store.ts).
 */
const CRL_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
const CRL_FUNCTION_KEYS = [REVOCATIONS_PARTITION, CRL_PARTITION, CA_CERTIFICATE_KEY.pk];
/** The CRL object's key in the CRL bucket; certificates name `http://<bucket domain>/<this>`. */
export const CRL_OBJECT_KEY = 'ca.crl';
/** How often the CRL is republished without a revocation (its nextUpdate is 7 days later). */
const CRL_SCHEDULE = 'rate(12 hours)';

/** Partition keys the approval site may read and write: approval links and certificates (see dynamodb-store.ts). */
const APPROVAL_SITE_KEYS = ['APPROVAL#*', 'ACCOUNT#*'];

export interface CertwrightStackProps extends StackProps {
  /** Defaults to the settings in CDK context (cdk.json and `-c key=value`). */
  settings?: DeploySettings;
}

/**
 * Certwright in an AWS account: the ACM API behind API Gateway (IAM auth), the certificate workflow in Step
 * Functions running the same ASL file and handlers as the local stack, the table built from the same schema,
 * three KMS keys (the CA key, the vault key for leaf private keys, the MAC key for validation tokens), and the
 * CRL in an S3 bucket. The CA key signs through two functions only: the issue function (certificates) and the
 * CRL function (CRLs); the API, which records revocations, only asks the CRL function for a new CRL.
 */
export class CertwrightStack extends Stack {
  readonly settings: DeploySettings;
  readonly table: Table;
  readonly caKey: Key;
  readonly vaultKey: Key;
  readonly macKey: Key;
  readonly functions: Record<FunctionName, CertwrightFunction>;
  readonly stateMachine: StateMachine;
  readonly api: RestApi;
  /** Where certificate events go (ACM's detail-types, source certwright.acm). */
  readonly eventBus: EventBus;
  /** Runs the schedule function: expiry notices, managed renewals, expiry. */
  readonly scheduleRule: Rule;
  /** Holds the CRL object, readable by anyone (relying parties fetch it over plain HTTP). */
  readonly crlBucket: Bucket;
  /** Where certificates say the CRL is: the bucket's regional endpoint over http, or the crlUrl setting. */
  readonly crlUrl: string;
  /** Republishes the CRL every 12 hours. */
  readonly crlRule: Rule;
  /** The CA bootstrap: the issue function, invoked at deploy time through the Provider framework. */
  readonly caBootstrapProvider: Provider;
  readonly caBootstrapProviderRole: Role;
  readonly caBootstrap: CustomResource;

  constructor(scope: Construct, id: string, props: CertwrightStackProps = {}) {
    super(scope, id, props);
    const settings = props.settings ?? readDeploySettings(this.node);
    this.settings = settings;

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

    // --- KMS keys: administrators manage them; only the statements added below let anyone use them.
    this.caKey = new Key(this, 'CaKey', {
      description:
        'Certwright CA key: signs certificates (issue-certificate function) and CRLs (publish-crl function)',
      keySpec: KeySpec[settings.caKeySpec],
      keyUsage: KeyUsage.SIGN_VERIFY,
      alias: `alias/${this.stackName}/ca`,
      policy: adminOnlyKeyPolicy(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vaultKey = new Key(this, 'VaultKey', {
      description:
        'Certwright vault key: envelope-encrypts leaf private keys, encryption context = certificate ARN',
      keySpec: KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: KeyUsage.ENCRYPT_DECRYPT,
      enableKeyRotation: true,
      alias: `alias/${this.stackName}/vault`,
      policy: adminOnlyKeyPolicy(),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.macKey = new Key(this, 'MacKey', {
      description: 'Certwright MAC key: derives DNS validation tokens (HMAC-SHA-256)',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      alias: `alias/${this.stackName}/mac`,
      policy: adminOnlyKeyPolicy(),
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.eventBus = new EventBus(this, 'CertificateEvents', {
      eventBusName: `${this.stackName}-certificate-events`,
      description:
        'Certwright certificate events: available, approaching expiration, renewal action required, expired, revoked (ACM detail-types, source certwright.acm)',
    });

    // --- The CRL bucket: one public object. ACLs are off (bucket owner enforced) and public ACLs blocked; the
    // bucket policy below makes the CRL object, and nothing else, readable by anyone.
    this.crlBucket = new Bucket(this, 'CrlBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      blockPublicAccess: new BlockPublicAccess({
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: false,
        restrictPublicBuckets: false,
      }),
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.crlBucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CrlReadableByAnyone',
        principals: [new AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [this.crlBucket.arnForObjects(CRL_OBJECT_KEY)],
      }),
    );
    this.crlUrl = settings.crlUrl ?? `http://${this.crlBucket.bucketRegionalDomainName}/${CRL_OBJECT_KEY}`;

    // --- Functions, each with the settings it reads.
    const tableName = { CERTWRIGHT_TABLE_NAME: this.table.tableName };
    const optional = (name: string, value: string | undefined): Record<string, string> =>
      value === undefined ? {} : { [name]: value };
    this.functions = {
      publishValidationRecords: new CertwrightFunction(this, 'PublishValidationRecords', {
        entry: 'publishValidationRecords',
        description: 'Certwright workflow: publish DNS validation records into the configured hosted zones',
        timeout: Duration.seconds(60),
        environment: {
          ...tableName,
          CERTWRIGHT_HOSTED_ZONES: JSON.stringify(settings.hostedZones),
          CERTWRIGHT_DENIED_DOMAINS: settings.deniedDomains.join(','),
          ...optional('CERTWRIGHT_WHOIS_SERVER', settings.whoisServer),
        },
      }),
      checkValidation: new CertwrightFunction(this, 'CheckValidation', {
        entry: 'checkValidation',
        description: 'Certwright workflow: look up the validation records, decide the next wait',
        // DNS lookups for up to maxDomains names, each query allowed a few seconds and a retry.
        timeout: Duration.seconds(90),
        environment: {
          ...tableName,
          // The validation deadline is on each certificate (set by the API), so only the schedule is here.
          CERTWRIGHT_POLL_INITIAL_SECONDS: String(settings.pollInitialSeconds),
          CERTWRIGHT_POLL_FACTOR: String(settings.pollFactor),
          CERTWRIGHT_POLL_MAX_SECONDS: String(settings.pollMaxSeconds),
          CERTWRIGHT_CAA_IDENTITIES: settings.caaIdentities.join(','),
          ...optional('CERTWRIGHT_DNS_RESOLVERS', settings.dnsResolvers),
        },
      }),
      issueCertificate: new CertwrightFunction(this, 'IssueCertificate', {
        entry: 'issueCertificate',
        description: 'Certwright workflow: the CA; builds, lints, signs (KMS) and verifies certificates',
        memorySize: 1024,
        timeout: Duration.seconds(60),
        environment: {
          ...tableName,
          CERTWRIGHT_CA_KEY_ID: this.caKey.keyArn,
          CERTWRIGHT_VAULT_KEY_ID: this.vaultKey.keyArn,
          CERTWRIGHT_VALIDITY_DAYS: String(settings.validityDays),
          CERTWRIGHT_EVENT_BUS_NAME: this.eventBus.eventBusName,
          ...optional('CERTWRIGHT_CA_ISSUERS_URL', settings.caIssuersUrl),
          CERTWRIGHT_CRL_URL: this.crlUrl,
        },
      }),
      publishCrl: new CertwrightFunction(this, 'PublishCrl', {
        entry: 'publishCrl',
        description: 'Certwright CRL: signs the revocation list (KMS) and puts it into the CRL bucket',
        memorySize: 512,
        timeout: Duration.seconds(60),
        environment: {
          ...tableName,
          CERTWRIGHT_CA_KEY_ID: this.caKey.keyArn,
          CERTWRIGHT_CRL_BUCKET: this.crlBucket.bucketName,
          CERTWRIGHT_CRL_KEY: CRL_OBJECT_KEY,
        },
      }),
      recordFailure: new CertwrightFunction(this, 'RecordFailure', {
        entry: 'recordFailure',
        description: 'Certwright workflow: record why a request failed',
        environment: { ...tableName },
      }),
      schedule: new CertwrightFunction(this, 'Schedule', {
        entry: 'schedule',
        description:
          'Certwright schedule: expiry notices, managed renewals, expiry of certificates past NotAfter',
        // Pages through every certificate due, 25 at a time; a run stops a minute before its timeout and
        // the certificates it did not reach stay due for the next run.
        timeout: Duration.minutes(15),
        environment: {
          ...tableName,
          CERTWRIGHT_EVENT_BUS_NAME: this.eventBus.eventBusName,
          CERTWRIGHT_RENEWAL_WINDOW_DAYS: String(settings.renewalWindowDays),
          CERTWRIGHT_RENEW_ALL_ISSUED: String(settings.renewAllIssued),
          ...optional(
            'CERTWRIGHT_NOTIFICATION_EMAIL',
            settings.notificationEmails.length > 0 ? settings.notificationEmails.join(',') : undefined,
          ),
        },
      }),
      approval: new CertwrightFunction(this, 'Approval', {
        entry: 'approval',
        description: 'Certwright approval site: the public page an approver opens from the validation mail',
        environment: { ...tableName },
      }),
      // The API's environment gets the state machine ARN below, once the state machine exists.
      api: new CertwrightFunction(this, 'Api', {
        entry: 'api',
        description: 'Certwright ACM-compatible API',
        memorySize: 512,
        timeout: Duration.seconds(25),
        environment: {
          ...tableName,
          CERTWRIGHT_MAC_KEY_ID: this.macKey.keyArn,
          // Seals imported private keys and opens them for ExportCertificate.
          CERTWRIGHT_VAULT_KEY_ID: this.vaultKey.keyArn,
          CERTWRIGHT_EVENT_BUS_NAME: this.eventBus.eventBusName,
          CERTWRIGHT_VALIDATION_DOMAIN: settings.validationDomain,
          CERTWRIGHT_MAX_DOMAINS: String(settings.maxDomains),
          CERTWRIGHT_VALIDATION_TIMEOUT_HOURS: String(settings.validationTimeoutHours),
          CERTWRIGHT_ALLOWED_DOMAINS: settings.allowedDomains.join(','),
          CERTWRIGHT_MAX_CERTIFICATES: String(settings.maxCertificates),
          CERTWRIGHT_MAX_REQUESTS_PER_YEAR: String(settings.maxRequestsPerYear),
          // RenewalEligibility in DescribeCertificate and the certificates RenewCertificate accepts.
          CERTWRIGHT_RENEW_ALL_ISSUED: String(settings.renewAllIssued),
        },
      }),
    };

    // --- Table access, one statement per function with only the actions its store calls need.
    for (const [name, fn] of Object.entries(this.functions) as Array<[FunctionName, CertwrightFunction]>) {
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: tableActionsOf(name),
          resources: [this.table.tableArn],
          // The approval site answers the public: it may touch approval links and certificates only (not the
          // CA, serial, idempotency or quota items). The CRL function reads and counts only what a CRL needs.
          ...leadingKeysOf(name),
        }),
      );
    }
    this.functions.schedule.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${this.table.tableArn}/index/${WORK_QUEUE_INDEX.indexName}`],
      }),
    );

    // --- Key use: in the key policies, each naming the roles allowed. The CA key signs certificates in the
    // issue function and CRLs in the CRL function; no other role may sign with it.
    const issueRole = this.functions.issueCertificate.role;
    this.caKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CaSignByIssueCertificateAndPublishCrl',
        principals: [issueRole, this.functions.publishCrl.role],
        actions: ['kms:Sign', 'kms:GetPublicKey'],
        resources: ['*'],
      }),
    );
    // Leaf private keys, always under a certificate ARN context: the CA seals the keys it generates, the API
    // seals imported keys and opens them for ExportCertificate. No other role may use the vault key.
    this.vaultKey.addToResourcePolicy(
      certificateContextStatement(
        keyUseStatement('VaultSealByIssueCertificate', issueRole, ['kms:GenerateDataKey']),
      ),
    );
    this.vaultKey.addToResourcePolicy(
      certificateContextStatement(
        keyUseStatement('VaultSealAndOpenByApi', this.functions.api.role, [
          'kms:GenerateDataKey',
          'kms:Decrypt',
        ]),
      ),
    );
    this.macKey.addToResourcePolicy(
      keyUseStatement('MacOnlyByApi', this.functions.api.role, ['kms:GenerateMac']),
    );

    // --- The CA bootstrap at deploy time: the issue function (which signs certificates with the CA key)
    // makes the CA certificate, or keeps the stored one on a re-deploy. The Provider framework's function
    // relays the CloudFormation events; its own role may only invoke the issue function and write its logs.
    const providerLogs = new LogGroup(this, 'CaBootstrapProviderLogs', { retention: LOG_RETENTION });
    this.caBootstrapProviderRole = new Role(this, 'CaBootstrapProviderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Certwright CA bootstrap: the CDK Provider framework function that invokes the issue function',
    });
    providerLogs.grantWrite(this.caBootstrapProviderRole);
    this.caBootstrapProvider = new Provider(this, 'CaBootstrapProvider', {
      onEventHandler: this.functions.issueCertificate.function,
      frameworkOnEventRole: this.caBootstrapProviderRole,
      logGroup: providerLogs,
    });
    this.caBootstrap = new CustomResource(this, 'CaBootstrap', {
      serviceToken: this.caBootstrapProvider.serviceToken,
      resourceType: 'Custom::CertwrightCa',
      properties: {
        CaSubject: settings.caSubject,
        CaValidityYears: String(settings.caValidityYears),
        CaMode: settings.caMode,
        ...(settings.caCertificate
          ? {
              CaCertificatePem: settings.caCertificate.certificatePem,
              CaChainPem: settings.caCertificate.chainPem,
            }
          : {}),
      },
      // Deleting the resource does nothing (the CA item stays in the retained table); say so here too.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // The issue function needs its table access and the CA key (with its key policy) before it can sign.
    const issue = this.functions.issueCertificate;
    this.caBootstrap.node.addDependency(this.table, this.caKey, issue.role, issue.function);

    // --- Route 53: the publish function may change records only in the configured zones.
    if (settings.hostedZones.length > 0) {
      this.functions.publishValidationRecords.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['route53:ChangeResourceRecordSets'],
          resources: settings.hostedZones.map((zone) =>
            Stack.of(this).formatArn({
              service: 'route53',
              region: '',
              account: '',
              resource: 'hostedzone',
              resourceName: zone.hostedZoneId,
            }),
          ),
        }),
      );
    }

    // --- SES: the functions that send mail (approval mail: the publish task, and the API for
    // ResendValidationEmail; notices: the schedule) may send from the sender only.
    if (settings.emailSender) {
      const sender = settings.emailSender;
      const identityArn = Stack.of(this).formatArn({
        service: 'ses',
        resource: 'identity',
        resourceName: sender.sesIdentity,
      });
      // The schedule mails Renewal Action Required when notification addresses are set.
      const senders = [
        'publishValidationRecords',
        'api',
        ...(settings.notificationEmails.length > 0 ? (['schedule'] as const) : []),
      ] as const;
      for (const name of senders) {
        const fn = this.functions[name];
        fn.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['ses:SendEmail'],
            resources: [identityArn],
            conditions: { StringEquals: { 'ses:FromAddress': sender.address } },
          }),
        );
        fn.function.addEnvironment('CERTWRIGHT_EMAIL_SENDER', sender.from);
        fn.function.addEnvironment('CERTWRIGHT_SES_IDENTITY_ARN', identityArn);
      }
    }

    // --- Events: the CA announces what it issued; the schedule, what approaches expiry, needs action or expired.
    this.eventBus.grantPutEventsTo(this.functions.issueCertificate.role);
    this.eventBus.grantPutEventsTo(this.functions.schedule.role);
    // Import and revocation events.
    this.eventBus.grantPutEventsTo(this.functions.api.role);
    this.scheduleRule = new Rule(this, 'ScheduleRule', {
      description: `Certwright schedule (${settings.schedule}): expiry notices, renewals and expiry of certificates due`,
      schedule: Schedule.expression(settings.schedule),
      targets: [
        new LambdaFunction(this.functions.schedule.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });

    // --- The CRL: the CRL function may write the CRL object only; it runs every 12 hours, and the API asks
    // for a run after each revocation (an asynchronous invoke: the API has no kms:Sign).
    const crl = this.functions.publishCrl;
    crl.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [this.crlBucket.arnForObjects(CRL_OBJECT_KEY)],
      }),
    );
    this.crlRule = new Rule(this, 'CrlRule', {
      description: `Certwright CRL (${CRL_SCHEDULE}): republishes the revocation list before it goes stale`,
      schedule: Schedule.expression(CRL_SCHEDULE),
      targets: [
        new LambdaFunction(crl.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
    this.functions.api.function.addEnvironment('CERTWRIGHT_CRL_FUNCTION_ARN', crl.function.functionArn);
    this.functions.api.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [crl.function.functionArn] }),
    );

    // --- The workflow: the shared ASL file, each placeholder bound to its task's function.
    // Named under /aws/vendedlogs/ as Step Functions advises; the stack's own id in the name keeps a group
    // retained from a destroyed stack from blocking a new deployment of the same name.
    const stackGuid = Fn.select(2, Fn.split('/', this.stackId));
    const workflowLogs = new LogGroup(this, 'WorkflowLogs', {
      logGroupName: `/aws/vendedlogs/states/${this.stackName}-certificate-workflow-${stackGuid}`,
      retention: LOG_RETENTION,
    });
    const definitionSubstitutions: Record<string, string> = {};
    for (const [placeholder, task] of Object.entries(WORKFLOW_TASKS)) {
      definitionSubstitutions[placeholder] = this.functions[TASK_FUNCTIONS[task]].function.functionArn;
    }
    this.stateMachine = new StateMachine(this, 'CertificateWorkflow', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(WORKFLOW_FILE),
      definitionSubstitutions,
      logs: { destination: workflowLogs, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // The ASL names the unqualified function ARNs, so invoking those (not every version and alias) is enough.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(TASK_FUNCTIONS).map((name) => this.functions[name].function.functionArn),
      }),
    );
    const api = this.functions.api;
    api.function.addEnvironment('CERTWRIGHT_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    // CheckDomains: the API asks the check function to do the DNS part (the API itself resolves nothing),
    // and applies the whole domain policy to answer as the workflow would.
    const check = this.functions.checkValidation.function;
    api.function.addEnvironment('CERTWRIGHT_CHECK_VALIDATION_FUNCTION_ARN', check.functionArn);
    api.function.addEnvironment('CERTWRIGHT_DENIED_DOMAINS', settings.deniedDomains.join(','));
    api.function.addEnvironment('CERTWRIGHT_HOSTED_ZONES', JSON.stringify(settings.hostedZones));
    api.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [check.functionArn] }),
    );
    api.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [this.stateMachine.stateMachineArn],
      }),
    );
    // Managed renewal: the schedule starts each renewal cycle as an execution of the same workflow.
    const schedule = this.functions.schedule;
    schedule.function.addEnvironment('CERTWRIGHT_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    schedule.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [this.stateMachine.stateMachineArn],
      }),
    );
    new Alarm(this, 'WorkflowFailedAlarm', {
      alarmDescription: 'Certwright certificate workflow executions failed, timed out or were aborted',
      metric: this.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new Alarm(this, 'WorkflowTimedOutAlarm', {
      alarmDescription: 'Certwright certificate workflow executions timed out',
      metric: this.stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // --- The ACM API: POST / with IAM (SigV4) authorization.
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: LOG_RETENTION });
    this.api = new RestApi(this, 'AcmApi', {
      description: 'Certwright: the ACM API (POST / with X-Amz-Target), SigV4-signed',
      endpointTypes: [EndpointType.REGIONAL],
      cloudWatchRole: true,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: settings.apiRateLimit,
        throttlingBurstLimit: settings.apiBurstLimit,
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const validator = new RequestValidator(this, 'AcmRequestValidator', {
      restApi: this.api,
      requestValidatorName: 'acm-target-header',
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    // ACM requests are JSON objects; anything else is refused before it reaches the function.
    const acmRequest = new Model(this, 'AcmRequestModel', {
      restApi: this.api,
      contentType: 'application/x-amz-json-1.1',
      description: 'An ACM request body: a JSON object',
      schema: { schema: JsonSchemaVersion.DRAFT4, title: 'AcmRequest', type: JsonSchemaType.OBJECT },
    });
    const acmMethod = this.api.root.addMethod('POST', new LambdaIntegration(api.function, { proxy: true }), {
      authorizationType: AuthorizationType.IAM,
      requestValidator: validator,
      requestModels: { 'application/x-amz-json-1.1': acmRequest },
      requestParameters: { 'method.request.header.X-Amz-Target': true },
    });
    // The approval site: public pages (the token in the path is the credential), GET shows, POST approves.
    const approvalRoutes = this.api.root.addResource('approvals');
    const approvals = approvalRoutes.addResource('{token}');
    const approvalIntegration = new LambdaIntegration(this.functions.approval.function, { proxy: true });
    for (const method of ['GET', 'POST']) {
      approvals.addMethod(method, approvalIntegration, { authorizationType: AuthorizationType.NONE });
    }
    // Mail links point at this stage of this API (or at approvalBaseUrl, a custom domain in front of it).
    const approvalBaseUrl =
      settings.approvalBaseUrl ??
      `https://${this.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${STAGE_NAME}`;
    for (const name of ['publishValidationRecords', 'api'] as const) {
      this.functions[name].function.addEnvironment('CERTWRIGHT_APPROVAL_BASE_URL', approvalBaseUrl);
    }

    new Alarm(this, 'ApiServerErrorsAlarm', {
      alarmDescription: 'Certwright API returned 5xx responses',
      metric: this.api.metricServerError({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    new CfnOutput(this, 'ApiEndpoint', {
      description: 'ACM endpoint: aws acm ... --endpoint-url <this> (SigV4 signing name execute-api)',
      value: this.api.url,
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'CrlUrl', {
      description:
        'The CRL (DER) named in every certificate; republished every 12 hours and after revocations',
      value: this.crlUrl,
    });
    new CfnOutput(this, 'CaKeyArn', { value: this.caKey.keyArn });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
    new CfnOutput(this, 'EventBusName', {
      description: 'Certificate events (source certwright.acm): point EventBridge rules at this bus',
      value: this.eventBus.eventBusName,
    });
    new CfnOutput(this, 'CaCertificateFingerprint', {
      description: `SHA-256 fingerprint of the CA certificate (${CA_RESOURCE_PHYSICAL_ID}) kept in the table`,
      value: this.caBootstrap.getAttString('Fingerprint'),
    });
    new CfnOutput(this, 'CaStatus', {
      description: 'ACTIVE, or PENDING_CERTIFICATE while an intermediate CA waits for its signed certificate',
      value: this.caBootstrap.getAttString('CaStatus'),
    });
    new CfnOutput(this, 'CaCsr', {
      description:
        'caMode=INTERMEDIATE: the CSR for your root to sign (PEM); "-" once the certificate is installed',
      value: this.caBootstrap.getAttString('Csr'),
    });

    acknowledgeNagFindings({
      stack: this,
      stateMachine: this.stateMachine,
      api: this.api,
      acmMethod,
      approvalRoutes,
      caBootstrapProviderRole: this.caBootstrapProviderRole,
      crlBucket: this.crlBucket,
    });
  }
}

function tableActionsOf(name: FunctionName): string[] {
  if (name === 'api') return API_TABLE_ACTIONS;
  if (name === 'schedule' || name === 'approval') return READ_SAVE_TABLE_ACTIONS;
  if (name === 'publishCrl') return CRL_TABLE_ACTIONS;
  return TASK_TABLE_ACTIONS;
}

function leadingKeysOf(name: FunctionName): { conditions?: Record<string, unknown> } {
  const keys =
    name === 'approval' ? APPROVAL_SITE_KEYS : name === 'publishCrl' ? CRL_FUNCTION_KEYS : undefined;
  return keys ? { conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } } } : {};
}

function adminOnlyKeyPolicy(): PolicyDocument {
  return new PolicyDocument({
    statements: [
      new PolicyStatement({
        sid: 'KeyAdministration',
        principals: [new AccountRootPrincipal()],
        actions: KEY_ADMIN_ACTIONS,
        resources: ['*'],
      }),
    ],
  });
}

/** Allows the statement's actions only with an encryption context of exactly one key, certificateArn. */
function certificateContextStatement(statement: PolicyStatement): PolicyStatement {
  statement.addCondition('ForAllValues:StringEquals', { 'kms:EncryptionContextKeys': ['certificateArn'] });
  statement.addCondition('Null', { 'kms:EncryptionContext:certificateArn': 'false' });
  return statement;
}

function keyUseStatement(sid: string, role: IRole, actions: string[]): PolicyStatement {
  return new PolicyStatement({
    sid,
    principals: [role],
    actions,
    resources: ['*'],
  });
}
