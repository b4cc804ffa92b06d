/**
 * The schedule function's managed-renewal plumbing in the template: its settings, the workflow it may
 * start, and the mail it may send, with notification addresses set (from `-c` strings as the CLI passes
 * them); and the settings refused at synth.
 */
import { App, type CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertwrightStack } from '../../lib/certwright-stack.ts';
import { DeploySettingsError, readDeploySettings } from '../../lib/settings.ts';

type Json = Record<string, unknown>;
interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const CONTEXT = {
  validationDomain: 'acm-validations.example.org',
  emailSender: 'Example PKI <pki@mail.example.org>',
  renewalWindowDays: '30',
  renewAllIssued: 'true',
  notificationEmail: 'ops@example.org,security@example.org',
};

let stack: CertwrightStack;
let template: Template;

beforeAll(() => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...CONTEXT } });
  stack = new CertwrightStack(app, 'Renewal');
  template = Template.fromStack(stack);
}, 60_000);

const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  Stack.of(stack).getLogicalId(construct.node.defaultChild as CfnResource);

function variables(name: keyof CertwrightStack['functions']): Json {
  const resource = template.toJSON().Resources[logicalId(stack.functions[name].function)];
  return (resource.Properties.Environment as { Variables: Json }).Variables;
}

/** The statements of the role's own policies. */
function statementsOf(name: keyof CertwrightStack['functions']): Statement[] {
  const role = logicalId(stack.functions[name].role);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(`"${role}"`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

describe('the schedule function and managed renewal', { timeout: 60_000 }, () => {
  it('gets the renewal settings, the notification addresses and the state machine', () => {
    expect(variables('schedule')).toMatchObject({
      CERTWRIGHT_RENEWAL_WINDOW_DAYS: '30',
      CERTWRIGHT_RENEW_ALL_ISSUED: 'true',
      CERTWRIGHT_NOTIFICATION_EMAIL: 'ops@example.org,security@example.org',
      CERTWRIGHT_EMAIL_SENDER: 'Example PKI <pki@mail.example.org>',
      CERTWRIGHT_STATE_MACHINE_ARN: { Ref: logicalId(stack.stateMachine) },
    });
    // The API shows RenewalEligibility by the same policy.
    expect(variables('api')).toMatchObject({ CERTWRIGHT_RENEW_ALL_ISSUED: 'true' });
  });

  it('may start executions of the certificate workflow only', () => {
    const starts = statementsOf('schedule').filter((statement) =>
      JSON.stringify(statement.Action).includes('states:'),
    );
    expect(starts).toEqual([
      expect.objectContaining({
        Action: 'states:StartExecution',
        Resource: { Ref: logicalId(stack.stateMachine) },
      }),
    ]);
  });

  it('may send mail from the sender address only, through its SES identity', () => {
    const sends = statementsOf('schedule').filter((statement) =>
      JSON.stringify(statement.Action).includes('ses:'),
    );
    expect(sends).toHaveLength(1);
    expect(sends[0]?.Action).toBe('ses:SendEmail');
    expect(JSON.stringify(sends[0]?.Resource)).toContain(':identity/mail.example.org');
    expect(sends[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'pki@mail.example.org' } });
  });

  it('has time for thousands of due certificates: 15 minutes, of which the run keeps the last one back', () => {
    const resource = template.toJSON().Resources[logicalId(stack.functions.schedule.function)];
    expect(resource.Properties.Timeout).toBe(900);
  });
});

describe('the schedule function without notification addresses', { timeout: 60_000 }, () => {
  it('gets no address and no SES permission, even with a sender', () => {
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        validationDomain: CONTEXT.validationDomain,
        emailSender: CONTEXT.emailSender,
      },
    });
    const plain = new CertwrightStack(app, 'Plain');
    const json = JSON.stringify(Template.fromStack(plain).toJSON());
    const scheduleRole = Stack.of(plain).getLogicalId(
      plain.functions.schedule.role.node.defaultChild as CfnResource,
    );
    const scheduleSes = Object.values(Template.fromStack(plain).findResources('AWS::IAM::Policy')).filter(
      (policy) =>
        JSON.stringify(policy.Properties.Roles).includes(`"${scheduleRole}"`) &&
        JSON.stringify(policy.Properties.PolicyDocument).includes('ses:'),
    );
    expect(scheduleSes).toEqual([]);
    expect(json).not.toContain('CERTWRIGHT_NOTIFICATION_EMAIL');
    expect(json).toContain('"CERTWRIGHT_RENEWAL_WINDOW_DAYS":"60"');
  });
});

describe('renewal deploy settings', () => {
  const refusal = (context: Json): string => {
    try {
      readDeploySettings(
        new App({ context: { validationDomain: CONTEXT.validationDomain, ...context } }).node,
      );
    } catch (error) {
      expect(error).toBeInstanceOf(DeploySettingsError);
      return (error as Error).message;
    }
    throw new Error('expected the settings to be refused');
  };

  it('refuses notification addresses without a sender, and malformed ones', () => {
    expect(refusal({ notificationEmail: 'ops@example.org' })).toContain(
      'notificationEmail needs emailSender',
    );
    expect(refusal({ emailSender: CONTEXT.emailSender, notificationEmail: 'ops@, x' })).toContain(
      'notificationEmail must be email addresses',
    );
  });

  it('refuses a window outside 1 to 3650 days and a renewAllIssued that is not true or false', () => {
    expect(refusal({ renewalWindowDays: '0' })).toContain('renewalWindowDays must be a number from 1 to 90');
    expect(refusal({ renewalWindowDays: '91' })).toContain('renewalWindowDays must be a number from 1 to 90');
    expect(refusal({ renewalWindowDays: '7.5' })).toContain('renewalWindowDays must be a whole number');
    expect(refusal({ renewAllIssued: 'yes' })).toContain('renewAllIssued must be true or false');
  });

  it('takes notification addresses as a JSON list too, lowercase and without repeats', () => {
    const settings = readDeploySettings(
      new App({
        context: {
          validationDomain: CONTEXT.validationDomain,
          emailSender: CONTEXT.emailSender,
          notificationEmail: ['Ops@Example.org', 'ops@example.org', 'sec@example.org'],
        },
      }).node,
    );
    expect(settings.notificationEmails).toEqual(['ops@example.org', 'sec@example.org']);
  });
});
