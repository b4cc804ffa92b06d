import { readFileSync } from 'node:fs';
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTableInput } from '../../functions/adapters/aws/table-schema.ts';
import { CertwrightStack } from '../../lib/certwright-stack.ts';
import { CERTIFICATE_WORKFLOW_FILE, WORKFLOW_TASKS } from '../../statemachines/workflow-tasks.ts';

/**
 * One synthesized template for the whole file (bundling skipped: the entry files are the other half of the
 * contract and are bundled by `npm run synth`).
 */
const HOSTED_ZONES = [
  { zoneName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
  { zoneName: 'example.net', hostedZoneId: 'Z9876543210ZYXWVUTSRQ' },
];

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Json;
}
interface Grant {
  /** Logical id of the role, or ACCOUNT_ROOT, or the raw principal as JSON. */
  principal: string;
  action: string;
  resource: unknown;
  condition?: Json;
  via: 'key policy' | 'IAM policy';
}

let stack: CertwrightStack;
let template: Template;
let resources: Record<
  string,
  { Type: string; Properties?: Json; DeletionPolicy?: string; UpdateReplacePolicy?: string }
>;

const logicalId = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource);
const roleOf = (name: keyof CertwrightStack['functions']): string => logicalId(stack.functions[name].role);
const functionOf = (name: keyof CertwrightStack['functions']): string =>
  logicalId(stack.functions[name].function);

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Does an IAM action pattern (with * and ?) cover this action? */
function covers(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

function principalName(principal: unknown): string {
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  const getAtt = (aws as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];
  if (getAtt?.[1] === 'Arn') return getAtt[0];
  if (JSON.stringify(aws).includes(':root')) return 'ACCOUNT_ROOT';
  return JSON.stringify(principal);
}

/** One name per principal of a statement that names several roles. */
function principalNames(principal: unknown): string[] {
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return Array.isArray(aws) ? aws.map((one) => principalName({ AWS: one })) : [principalName(principal)];
}

/** Every Allow of `action` anywhere in the template: key policies and IAM policies, with their principals. */
function grantsOf(action: string): Grant[] {
  const grants: Grant[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const properties = resource.Properties ?? {};
    if (resource.Type === 'AWS::KMS::Key') {
      for (const statement of asList((properties.KeyPolicy as { Statement?: Statement[] }).Statement)) {
        if (statement.Effect !== 'Allow' || !asList(statement.Action).some((a) => covers(a, action)))
          continue;
        for (const principal of principalNames(statement.Principal)) {
          grants.push({
            principal,
            action,
            resource: { key: id },
            ...(statement.Condition ? { condition: statement.Condition } : {}),
            via: 'key policy',
          });
        }
      }
    }
    const documents: Array<{ document: unknown; roles: unknown[] }> = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push({ document: properties.PolicyDocument, roles: asList(properties.Roles as unknown[]) });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asList(properties.Policies as Array<{ PolicyDocument: unknown }>)) {
        documents.push({ document: policy.PolicyDocument, roles: [{ Ref: id }] });
      }
    }
    for (const { document, roles } of documents) {
      for (const statement of asList((document as { Statement?: Statement[] }).Statement)) {
        if (statement.Effect !== 'Allow' || !asList(statement.Action).some((a) => covers(a, action)))
          continue;
        for (const role of roles) {
          grants.push({
            principal: (role as { Ref?: string }).Ref ?? JSON.stringify(role),
            action,
            resource: statement.Resource,
            ...(statement.Condition ? { condition: statement.Condition } : {}),
            via: 'IAM policy',
          });
        }
      }
    }
  }
  return grants;
}

const keyId = (key: 'caKey' | 'vaultKey' | 'macKey'): string => logicalId(stack[key]);
/** The CDK Provider framework's onEvent function of the CA bootstrap. */
const providerFunction = (): string =>
  logicalId(stack.caBootstrapProvider.node.findChild('framework-onEvent'));
const principalsOn = (action: string, key: 'caKey' | 'vaultKey' | 'macKey'): string[] =>
  grantsOf(action)
    .filter((grant) => JSON.stringify(grant.resource).includes(keyId(key)) || grant.resource === '*')
    .map((grant) => grant.principal);

beforeAll(() => {
  const app = new App({
    context: {
      'aws:cdk:bundling-stacks': [],
      validationDomain: 'acm-validations.example.com',
      hostedZones: JSON.stringify(HOSTED_ZONES),
    },
  });
  stack = new CertwrightStack(app, 'Test');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
}, 60_000);

describe('the CDK stack', { timeout: 60_000 }, () => {
  it('deploys the table the local stack creates: same keys, same index', () => {
    const local = createTableInput('certwright');
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table')) as Array<{
      Properties: Record<string, unknown>;
    }>;
    expect(table?.Properties.KeySchema).toEqual(local.KeySchema);
    expect(table?.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining(local.AttributeDefinitions ?? []),
    );
    expect(table?.Properties.GlobalSecondaryIndexes).toEqual(local.GlobalSecondaryIndexes);
    expect(table?.Properties.BillingMode).toBe(local.BillingMode);
  });

  it('keeps the table safe: point-in-time recovery, deletion protection, retained on stack deletion', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('has the three KMS keys, all retained: CA (SIGN_VERIFY, RSA_2048), vault (rotated), MAC (HMAC_256)', () => {
    template.resourceCountIs('AWS::KMS::Key', 3);
    const expected = {
      caKey: { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' },
      vaultKey: { KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', EnableKeyRotation: true },
      macKey: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' },
    } as const;
    for (const [key, properties] of Object.entries(expected) as Array<[keyof typeof expected, Json]>) {
      const resource = resources[keyId(key)];
      expect(resource?.Properties, key).toMatchObject(properties);
      expect(resource?.DeletionPolicy, key).toBe('Retain');
      expect(resource?.UpdateReplacePolicy, key).toBe('Retain');
    }
    template.resourceCountIs('AWS::KMS::Alias', 3);
  });

  it('lets exactly two principals sign with the CA key: the issue function (certificates) and the CRL function', () => {
    const signers = [roleOf('issueCertificate'), roleOf('publishCrl')].sort();
    expect(principalsOn('kms:Sign', 'caKey').sort()).toEqual(signers);
    // Nobody may sign with any key through an IAM policy, and the account's key administrators may not sign.
    expect(grantsOf('kms:Sign').filter((grant) => grant.via === 'IAM policy')).toEqual([]);
    expect(
      grantsOf('kms:Sign')
        .map((grant) => grant.principal)
        .sort(),
    ).toEqual(signers);
  });

  it('gives the API role no kms:Sign and no re-encryption on anything', () => {
    const api = roleOf('api');
    for (const action of ['kms:Sign', 'kms:ReEncryptFrom']) {
      expect(
        grantsOf(action).map((grant) => grant.principal),
        action,
      ).not.toContain(api);
    }
  });

  it('lets the issue function and the API seal leaf keys and only the API open them, under a certificate ARN context', () => {
    const certificateContext = {
      'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['certificateArn'] },
      Null: { 'kms:EncryptionContext:certificateArn': 'false' },
    };
    const seal = grantsOf('kms:GenerateDataKey');
    expect(seal.map((grant) => grant.principal).sort()).toEqual(
      [roleOf('issueCertificate'), roleOf('api')].sort(),
    );
    const open = grantsOf('kms:Decrypt');
    expect(open.map((grant) => grant.principal)).toEqual([roleOf('api')]);
    for (const grant of [...seal, ...open]) {
      expect(grant.resource).toEqual({ key: keyId('vaultKey') });
      expect(grant.condition).toEqual(certificateContext);
    }
    expect(grantsOf('kms:ReEncryptFrom')).toEqual([]);
  });

  it('lets only the API generate MACs with the MAC key', () => {
    expect(principalsOn('kms:GenerateMac', 'macKey')).toEqual([roleOf('api')]);
    expect(grantsOf('kms:GenerateMac').map((grant) => grant.principal)).toEqual([roleOf('api')]);
  });

  it('names every KMS action explicitly: no wildcard KMS actions in any policy', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/"kms:[A-Za-z]*\*/);
    expect(text).not.toMatch(/"Action":\s*"\*"/);
    expect(grantsOf('kms:ThisActionDoesNotExist')).toEqual([]);
  });

  it('lets only the API (requests, RenewCertificate) and the schedule (managed renewal) start workflow executions, on this state machine only', () => {
    const starts = grantsOf('states:StartExecution');
    expect(starts.map((grant) => grant.principal).sort()).toEqual([roleOf('api'), roleOf('schedule')].sort());
    for (const grant of starts) expect(grant.resource).toEqual({ Ref: logicalId(stack.stateMachine) });
  });

  it('lets only the publish function change records, only in the configured hosted zones', () => {
    const changes = grantsOf('route53:ChangeResourceRecordSets');
    expect(changes.map((grant) => grant.principal)).toEqual([roleOf('publishValidationRecords')]);
    const zones = JSON.stringify(changes[0]?.resource);
    for (const zone of HOSTED_ZONES) expect(zones).toContain(`:hostedzone/${zone.hostedZoneId}`);
    expect(asList(changes[0]?.resource)).toHaveLength(HOSTED_ZONES.length);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"route53:[A-Za-z]*\*"/);
  });

  it('gives each function table access to the table only, without Scan or wildcards', () => {
    const table = logicalId(stack.table);
    const everyRole = Object.keys(stack.functions)
      .map((name) => roleOf(name as keyof CertwrightStack['functions']))
      .sort();
    expect(
      grantsOf('dynamodb:GetItem')
        .map((grant) => grant.principal)
        .sort(),
    ).toEqual(everyRole);
    // The CRL function only reads and counts.
    expect(
      grantsOf('dynamodb:PutItem')
        .map((grant) => grant.principal)
        .sort(),
    ).toEqual(everyRole.filter((role) => role !== roleOf('publishCrl')));
    expect(
      grantsOf('dynamodb:UpdateItem')
        .map((grant) => grant.principal)
        .sort(),
    ).toEqual(everyRole.filter((role) => role !== roleOf('schedule') && role !== roleOf('approval')));
    expect(grantsOf('dynamodb:DeleteItem').map((grant) => grant.principal)).toEqual([roleOf('api')]);
    const queries = grantsOf('dynamodb:Query');
    expect(queries.map((grant) => grant.principal).sort()).toEqual(
      [roleOf('api'), roleOf('schedule'), roleOf('publishCrl')].sort(),
    );
    expect(queries.find((grant) => grant.principal === roleOf('api'))?.resource).toEqual({
      'Fn::GetAtt': [table, 'Arn'],
    });
    // The schedule reads the work-queue index, never the table's whole partitions.
    expect(queries.find((grant) => grant.principal === roleOf('schedule'))?.resource).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/work-queue']],
    });
    expect(grantsOf('dynamodb:Scan')).toEqual([]);
    expect(grantsOf('dynamodb:DeleteTable')).toEqual([]);
    for (const grant of grantsOf('dynamodb:GetItem')) {
      expect(grant.resource).toEqual({ 'Fn::GetAtt': [table, 'Arn'] });
    }
  });

  it('serves the ACM API at POST / with IAM (SigV4) authorization, a request validator, throttling and access logs', () => {
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      AuthorizationType: 'AWS_IAM',
      ResourceId: { 'Fn::GetAtt': [logicalId(stack.api), 'RootResourceId'] },
      RequestValidatorId: { Ref: logicalId(stack.node.findChild('AcmRequestValidator')) },
      RequestParameters: { 'method.request.header.X-Amz-Target': true },
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    // Everything but the approval pages needs IAM; those are GET and POST /approvals/{token} only.
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method'));
    const publicMethods = methods.filter((method) => method.Properties.AuthorizationType !== 'AWS_IAM');
    expect(publicMethods.map((method) => method.Properties.HttpMethod).sort()).toEqual(['GET', 'POST']);
    for (const method of publicMethods) {
      expect(method.Properties.AuthorizationType).toBe('NONE');
      expect(method.Properties.Integration.Uri).toEqual({
        'Fn::Join': ['', expect.arrayContaining([{ 'Fn::GetAtt': [functionOf('approval'), 'Arn'] }])],
      });
    }
    const [approvalsResource] = Object.entries(template.findResources('AWS::ApiGateway::Resource')).filter(
      ([, resource]) => resource.Properties.PathPart === '{token}',
    );
    expect(publicMethods.every((method) => method.Properties.ResourceId.Ref === approvalsResource?.[0])).toBe(
      true,
    );
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'approvals' });
    const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage'));
    expect(stage?.Properties.AccessLogSetting?.DestinationArn).toBeDefined();
    expect(stage?.Properties.TracingEnabled).toBe(true);
    expect(stage?.Properties.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: expect.any(Number),
        ThrottlingBurstLimit: expect.any(Number),
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
      }),
    ]);
  });

  it('has a bus for certificate events that only the issue, schedule and API functions may put events on', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'Test-certificate-events' });
    const bus = logicalId(stack.eventBus);
    const grants = grantsOf('events:PutEvents');
    expect(grants.map((grant) => grant.principal).sort()).toEqual(
      [roleOf('issueCertificate'), roleOf('schedule'), roleOf('api')].sort(),
    );
    for (const grant of grants) expect(grant.resource).toEqual({ 'Fn::GetAtt': [bus, 'Arn'] });
    for (const name of ['issueCertificate', 'schedule', 'api'] as const) {
      const environment = resources[functionOf(name)]?.Properties?.Environment as { Variables: Json };
      expect(environment.Variables.CERTWRIGHT_EVENT_BUS_NAME).toEqual({ Ref: bus });
    }
  });

  it('runs the schedule function daily from an EventBridge rule, retried, and lets only that rule invoke it', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [functionOf('schedule'), 'Arn'] },
          Id: Match.anyValue(),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        },
      ],
    });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (permission) => JSON.stringify(permission.Properties.FunctionName).includes(functionOf('schedule')),
    );
    expect(permissions.map((permission) => permission.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [functionOf('schedule'), 'Arn'] },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [logicalId(stack.scheduleRule), 'Arn'] },
      },
    ]);
  });

  it('leaves nothing behind on stack deletion that would block a new deployment of the same name', () => {
    // Retained resources outlive the stack; one with a fixed name would make the next CREATE fail.
    const NAME_PROPERTIES = ['TableName', 'LogGroupName', 'AliasName', 'Name'];
    const retained = Object.entries(resources).filter(([, resource]) => resource.DeletionPolicy === 'Retain');
    expect(retained.length).toBeGreaterThan(0);
    for (const [id, resource] of retained) {
      for (const property of NAME_PROPERTIES) {
        const name = resource.Properties?.[property];
        if (name === undefined) continue;
        expect(JSON.stringify(name), `${id}.${property} is fixed`).toContain('AWS::StackId');
      }
    }
    const workflowLogs = Object.values(resources).find((resource) =>
      JSON.stringify(resource.Properties?.LogGroupName ?? '').includes('vendedlogs'),
    );
    expect(workflowLogs?.DeletionPolicy).toBe('Retain');
  });

  it('lets the API invoke the check function (CheckDomains) and the CRL function (RevokeCertificate), no other', () => {
    const invokes = grantsOf('lambda:InvokeFunction').filter((grant) => grant.principal === roleOf('api'));
    expect(invokes.map((grant) => grant.resource)).toEqual([
      { 'Fn::GetAtt': [functionOf('publishCrl'), 'Arn'] },
      { 'Fn::GetAtt': [functionOf('checkValidation'), 'Arn'] },
    ]);
    const api = resources[functionOf('api')]?.Properties?.Environment as { Variables: Json };
    expect(api.Variables.CERTWRIGHT_CHECK_VALIDATION_FUNCTION_ARN).toEqual({
      'Fn::GetAtt': [functionOf('checkValidation'), 'Arn'],
    });
    expect(api.Variables.CERTWRIGHT_CRL_FUNCTION_ARN).toEqual({
      'Fn::GetAtt': [functionOf('publishCrl'), 'Arn'],
    });
  });

  it('lets the public approval function read and save only approval links and certificates', () => {
    const grants = grantsOf('dynamodb:PutItem').filter((grant) => grant.principal === roleOf('approval'));
    expect(grants).toHaveLength(1);
    expect(grants[0]?.condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APPROVAL#*', 'ACCOUNT#*'] },
    });
    expect(grantsOf('dynamodb:UpdateItem').map((grant) => grant.principal)).not.toContain(roleOf('approval'));
  });

  it('grants no mail sending without an emailSender', () => {
    expect(grantsOf('ses:SendEmail')).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('CERTWRIGHT_EMAIL_SENDER');
  });

  it('runs every function on Node.js 22, arm64, with JSON logs into its own log group', () => {
    const all = template.findResources('AWS::Lambda::Function');
    // Ours, and the CDK Provider framework's function of the CA bootstrap (its runtime is CDK's choice).
    expect(Object.keys(all).sort()).toEqual(
      [
        ...Object.keys(stack.functions).map((name) => functionOf(name as keyof CertwrightStack['functions'])),
        providerFunction(),
      ].sort(),
    );
    expect(all[providerFunction()]?.Properties.LoggingConfig).toMatchObject({
      LogFormat: 'JSON',
      LogGroup: { Ref: expect.any(String) },
    });
    const functions = Object.keys(stack.functions).map(
      (name) => all[functionOf(name as keyof CertwrightStack['functions'])],
    );
    for (const fn of functions) {
      if (!fn) throw new Error('a function is missing from the template');
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.LoggingConfig).toMatchObject({
        LogFormat: 'JSON',
        LogGroup: { Ref: expect.any(String) },
      });
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
    const groups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    for (const group of groups) expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  it('gives each function the environment of the contract, and no more', () => {
    const environment = (name: keyof CertwrightStack['functions']): string[] => {
      const variables = (
        resources[functionOf(name)]?.Properties?.Environment as { Variables?: Json } | undefined
      )?.Variables;
      return Object.keys(variables ?? {}).sort();
    };
    const common = ['CERTWRIGHT_TABLE_NAME', 'NODE_OPTIONS'];
    expect(environment('api')).toEqual(
      [
        ...common,
        'CERTWRIGHT_APPROVAL_BASE_URL',
        'CERTWRIGHT_MAC_KEY_ID',
        'CERTWRIGHT_VAULT_KEY_ID',
        'CERTWRIGHT_EVENT_BUS_NAME',
        'CERTWRIGHT_STATE_MACHINE_ARN',
        'CERTWRIGHT_VALIDATION_DOMAIN',
        'CERTWRIGHT_MAX_DOMAINS',
        'CERTWRIGHT_VALIDATION_TIMEOUT_HOURS',
        'CERTWRIGHT_ALLOWED_DOMAINS',
        'CERTWRIGHT_CHECK_VALIDATION_FUNCTION_ARN',
        'CERTWRIGHT_DENIED_DOMAINS',
        'CERTWRIGHT_HOSTED_ZONES',
        'CERTWRIGHT_MAX_CERTIFICATES',
        'CERTWRIGHT_MAX_REQUESTS_PER_YEAR',
        'CERTWRIGHT_CRL_FUNCTION_ARN',
        'CERTWRIGHT_RENEW_ALL_ISSUED',
      ].sort(),
    );
    expect(environment('issueCertificate')).toEqual(
      [
        ...common,
        'CERTWRIGHT_CA_KEY_ID',
        'CERTWRIGHT_VAULT_KEY_ID',
        'CERTWRIGHT_VALIDITY_DAYS',
        'CERTWRIGHT_EVENT_BUS_NAME',
        'CERTWRIGHT_CRL_URL',
      ].sort(),
    );
    expect(environment('publishCrl')).toEqual(
      [...common, 'CERTWRIGHT_CA_KEY_ID', 'CERTWRIGHT_CRL_BUCKET', 'CERTWRIGHT_CRL_KEY'].sort(),
    );
    expect(environment('publishValidationRecords')).toEqual(
      [
        ...common,
        'CERTWRIGHT_HOSTED_ZONES',
        'CERTWRIGHT_APPROVAL_BASE_URL',
        'CERTWRIGHT_DENIED_DOMAINS',
      ].sort(),
    );
    expect(environment('approval')).toEqual(common);
    // Mail links lead to the approval pages of this API's stage.
    const api = resources[functionOf('api')]?.Properties?.Environment as { Variables: Json };
    expect(JSON.stringify(api.Variables.CERTWRIGHT_APPROVAL_BASE_URL)).toContain(logicalId(stack.api));
    expect(JSON.stringify(api.Variables.CERTWRIGHT_APPROVAL_BASE_URL)).toMatch(/\/v1"/);
    expect(environment('checkValidation')).toEqual(
      [
        ...common,
        'CERTWRIGHT_POLL_INITIAL_SECONDS',
        'CERTWRIGHT_POLL_FACTOR',
        'CERTWRIGHT_POLL_MAX_SECONDS',
        'CERTWRIGHT_CAA_IDENTITIES',
      ].sort(),
    );
    expect(environment('recordFailure')).toEqual(common);
    expect(environment('schedule')).toEqual(
      [
        ...common,
        'CERTWRIGHT_EVENT_BUS_NAME',
        'CERTWRIGHT_STATE_MACHINE_ARN',
        'CERTWRIGHT_RENEWAL_WINDOW_DAYS',
        'CERTWRIGHT_RENEW_ALL_ISSUED',
      ].sort(),
    );
    const publish = resources[functionOf('publishValidationRecords')]?.Properties?.Environment as {
      Variables: Json;
    };
    expect(JSON.parse(publish.Variables.CERTWRIGHT_HOSTED_ZONES as string)).toEqual(HOSTED_ZONES);
  });

  it('binds every placeholder of the workflow file to its task function', () => {
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    const substitutions = machine?.Properties.DefinitionSubstitutions as Record<string, unknown>;
    const placeholders = [
      ...readFileSync(CERTIFICATE_WORKFLOW_FILE, 'utf8').matchAll(/\$\{([A-Za-z0-9]+)\}/g),
    ].map((match) => match[1]);
    expect(new Set(placeholders)).toEqual(new Set(Object.keys(WORKFLOW_TASKS)));
    expect(Object.keys(substitutions).sort()).toEqual(Object.keys(WORKFLOW_TASKS).sort());
    const expected = {
      PublishValidationRecordsFunctionArn: 'publishValidationRecords',
      CheckValidationFunctionArn: 'checkValidation',
      IssueCertificateFunctionArn: 'issueCertificate',
      RecordFailureFunctionArn: 'recordFailure',
    } as const;
    for (const [placeholder, name] of Object.entries(expected)) {
      expect(substitutions[placeholder], placeholder).toEqual({ 'Fn::GetAtt': [functionOf(name), 'Arn'] });
    }
    // The state machine may invoke exactly those four functions, unqualified (the CA bootstrap provider's
    // role may invoke the issue function: see the CA bootstrap test).
    const invokes = grantsOf('lambda:InvokeFunction').filter(
      (grant) => grant.principal === logicalId(stack.stateMachine.role),
    );
    expect(invokes).toHaveLength(1);
    expect(new Set(asList(invokes[0]?.resource))).toEqual(
      new Set(Object.values(expected).map((name) => ({ 'Fn::GetAtt': [functionOf(name), 'Arn'] }))),
    );
  });

  it('runs the workflow as a Standard state machine with ALL logging and X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL' },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('alarms on workflow failures and on every function error', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
    const errorAlarms = alarms.filter(
      (alarm) => alarm.Namespace === 'AWS/Lambda' && alarm.MetricName === 'Errors',
    );
    expect(errorAlarms.map((alarm) => alarm.Dimensions[0].Value.Ref).sort()).toEqual(
      Object.keys(stack.functions)
        .map((name) => functionOf(name as keyof CertwrightStack['functions']))
        .sort(),
    );
    expect(
      alarms.filter((alarm) => alarm.Namespace === 'AWS/States').map((alarm) => alarm.MetricName),
    ).toEqual(expect.arrayContaining(['ExecutionsFailed', 'ExecutionsTimedOut']));
  });

  it('bootstraps the CA at deploy time: a custom resource with the CA subject and validity, after the table and keys', () => {
    const [id, resource] = Object.entries(template.findResources('Custom::CertwrightCa'))[0] ?? [];
    expect(id).toBe(logicalId(stack.caBootstrap));
    expect(resource?.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [providerFunction(), 'Arn'] },
      CaSubject: 'CN=Certwright Root CA,O=Certwright',
      CaValidityYears: '10',
      CaMode: 'ROOT',
    });
    expect(resource?.DependsOn).toEqual(
      expect.arrayContaining([
        logicalId(stack.table),
        keyId('caKey'),
        functionOf('issueCertificate'),
        roleOf('issueCertificate'),
      ]),
    );
    template.resourceCountIs('Custom::CertwrightCa', 1);
    // The Provider framework relays the events to the issue function: the CA signs its own certificate.
    const framework = resources[providerFunction()]?.Properties as {
      Environment: { Variables: Json };
      Role: unknown;
    };
    expect(framework.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN).toEqual({
      'Fn::GetAtt': [functionOf('issueCertificate'), 'Arn'],
    });
    expect(framework.Role).toEqual({ 'Fn::GetAtt': [logicalId(stack.caBootstrapProviderRole), 'Arn'] });
    expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toEqual([
      logicalId(stack.stateMachine),
    ]);
  });

  it('lets the CA bootstrap provider invoke the issue function and nothing else: no kms:Sign, no table', () => {
    const providerRole = logicalId(stack.caBootstrapProviderRole);
    const issueArn = { 'Fn::GetAtt': [functionOf('issueCertificate'), 'Arn'] };
    const invokes = grantsOf('lambda:InvokeFunction').filter((grant) => grant.principal === providerRole);
    expect(invokes).toHaveLength(1);
    expect(asList(invokes[0]?.resource)).toEqual([issueArn, { 'Fn::Join': ['', [issueArn, ':*']] }]);
    const providerPolicy = Object.values(resources).find(
      (resource) =>
        resource.Type === 'AWS::IAM::Policy' &&
        JSON.stringify(resource.Properties?.Roles) === JSON.stringify([{ Ref: providerRole }]),
    );
    const document = providerPolicy?.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined;
    const statements = asList(document?.Statement);
    expect(statements.flatMap((statement) => asList(statement.Action)).sort()).toEqual([
      'lambda:GetFunction',
      'lambda:InvokeFunction',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(resources[providerRole]?.Properties?.ManagedPolicyArns).toBeUndefined();
    expect(resources[providerRole]?.Properties?.Policies).toBeUndefined();
    for (const action of ['kms:Sign', 'kms:GetPublicKey', 'dynamodb:PutItem', 'dynamodb:GetItem']) {
      expect(
        grantsOf(action).map((grant) => grant.principal),
        action,
      ).not.toContain(providerRole);
    }
    expect(
      grantsOf('kms:Sign')
        .map((grant) => grant.principal)
        .sort(),
    ).toEqual([roleOf('issueCertificate'), roleOf('publishCrl')].sort());
  });
});

describe('the CRL in the CDK stack', { timeout: 60_000 }, () => {
  const bucket = (): string => logicalId(stack.crlBucket);
  const crlObjectArn = () => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket(), 'Arn'] }, '/ca.crl']] });

  it('keeps the CRL in a retained, S3-encrypted bucket that blocks public ACLs', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    expect(resources[bucket()]).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: false,
          RestrictPublicBuckets: false,
        },
      },
    });
  });

  it('lets anyone read the CRL object and nothing else in the bucket', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(1);
    const properties = policies[0]?.Properties as {
      Bucket: unknown;
      PolicyDocument: { Statement: Statement[] };
    };
    expect(properties.Bucket).toEqual({ Ref: bucket() });
    const statements = asList(properties.PolicyDocument.Statement);
    const publicStatements = statements.filter((statement) =>
      JSON.stringify(statement.Principal).includes('*'),
    );
    expect(publicStatements).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 's3:GetObject',
        Resource: crlObjectArn(),
      }),
    ]);
  });

  it('lets only the CRL function write the CRL, and only that object', () => {
    const puts = grantsOf('s3:PutObject');
    expect(puts).toEqual([
      expect.objectContaining({
        principal: roleOf('publishCrl'),
        resource: crlObjectArn(),
        via: 'IAM policy',
      }),
    ]);
    for (const action of ['s3:DeleteObject', 's3:PutBucketPolicy', 's3:PutObjectAcl']) {
      expect(grantsOf(action), action).toEqual([]);
    }
  });

  it('limits the CRL function to the revocation, CRL-number and CA items of the table', () => {
    const grants = grantsOf('dynamodb:GetItem').filter((grant) => grant.principal === roleOf('publishCrl'));
    expect(grants).toHaveLength(1);
    expect(grants[0]?.condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REVOCATIONS', 'CRL', 'CA'] },
    });
    expect(grantsOf('kms:Decrypt').map((grant) => grant.principal)).not.toContain(roleOf('publishCrl'));
    expect(grantsOf('events:PutEvents').map((grant) => grant.principal)).not.toContain(roleOf('publishCrl'));
  });

  it('runs the CRL function every 12 hours', () => {
    const rule = Object.values(template.findResources('AWS::Events::Rule')).find(
      (candidate) => candidate.Properties.ScheduleExpression === 'rate(12 hours)',
    );
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [functionOf('publishCrl'), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 },
      }),
    ]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [functionOf('publishCrl'), 'Arn'] },
    });
  });

  it('names the bucket’s CRL object over http in issued certificates and alarms on the CRL function’s errors', () => {
    const issue = resources[functionOf('issueCertificate')]?.Properties?.Environment as { Variables: Json };
    expect(issue.Variables.CERTWRIGHT_CRL_URL).toEqual({
      'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [bucket(), 'RegionalDomainName'] }, '/ca.crl']],
    });
    const crl = resources[functionOf('publishCrl')]?.Properties?.Environment as { Variables: Json };
    expect(crl.Variables).toMatchObject({
      CERTWRIGHT_CRL_BUCKET: { Ref: bucket() },
      CERTWRIGHT_CRL_KEY: 'ca.crl',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'Certwright publishCrl function reported errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionOf('publishCrl') } }],
    });
    template.hasOutput('CrlUrl', {});
  });
});
