/**
 * The API's DomainProbe in AWS: an InvokeCommand to the check-validation function. The Lambda stand-in runs
 * the real composed check-validation handler on the payload, as Lambda would, and the lookups go to a BIND
 * server on 127.0.0.1.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCheckValidationHandler } from '../../../functions/adapters/aws/lambda-composition.ts';
import { LambdaDomainProbe } from '../../../functions/adapters/aws/lambda-domain-probe.ts';
import { type BindServer, startBindServer } from '../../support/bind-server.ts';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:certwright-CheckValidation';
const RECORD = {
  Name: '_0123456789abcdef0123456789abcdef.www.example.test.',
  Type: 'CNAME' as const,
  Value: '_fedcba9876543210fedcba9876543210.acm-validations.certwright.test.',
};

let bind: BindServer;
let lambda: AwsClientStub<LambdaClient>;
const invocations: unknown[] = [];

beforeAll(async () => {
  bind = await startBindServer({ zone: 'example.test' });
  const handler = await composeCheckValidationHandler({
    AWS_REGION: 'eu-west-1',
    CERTWRIGHT_TABLE_NAME: 'certwright-unused',
    CERTWRIGHT_DNS_RESOLVERS: bind.address,
    CERTWRIGHT_CAA_IDENTITIES: 'certwright.test',
  });
  lambda = mockClient(LambdaClient);
  lambda.on(InvokeCommand).callsFake(async (input: InvokeCommand['input']) => {
    expect(input.FunctionName).toBe(FUNCTION_ARN);
    expect(input.InvocationType).toBe('RequestResponse');
    const event = JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array));
    invocations.push(event);
    try {
      const result = await handler(event, {} as Context);
      return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(result)) };
    } catch (error) {
      const { name, message } = error as Error;
      const payload = JSON.stringify({ errorType: name, errorMessage: message });
      return { StatusCode: 200, FunctionError: 'Unhandled', Payload: new TextEncoder().encode(payload) };
    }
  });
});

afterAll(async () => {
  lambda?.restore();
  await bind?.stop();
});

describe('LambdaDomainProbe', () => {
  it("answers with the check-validation function's lookups of the record and CAA", async () => {
    const probe = new LambdaDomainProbe(new LambdaClient({ region: 'eu-west-1' }), FUNCTION_ARN);
    const names = [
      { domainName: 'www.example.test', resourceRecord: RECORD },
      { domainName: 'mail.example.test' },
    ];
    expect(await probe.probe(names)).toEqual([
      {
        domainName: 'www.example.test',
        record: { inPlace: false, found: [], outcome: 'NXDOMAIN' },
        caa: { permitted: true, message: 'No CAA records for www.example.test or its parents' },
      },
      {
        domainName: 'mail.example.test',
        caa: { permitted: true, message: 'No CAA records for mail.example.test or its parents' },
      },
    ]);
    expect(invocations.at(-1)).toEqual({ probe: { names } });

    await bind.addRecord(RECORD.Name, 'CNAME', RECORD.Value);
    await bind.addRecord('example.test', 'CAA', '0 issue "other-ca.test"');
    const [www, mail] = await probe.probe(names);
    expect(www?.record).toEqual({
      inPlace: true,
      found: [RECORD.Value.slice(0, -1)],
      outcome: 'CNAME_MATCH',
    });
    expect(www?.caa.permitted).toBe(false);
    expect(mail?.caa).toEqual({
      permitted: false,
      message:
        'CAA at example.test (0 issue "other-ca.test") does not permit certwright.test for mail.example.test',
    });
  });

  it('throws the function error when the function fails', async () => {
    const probe = new LambdaDomainProbe(new LambdaClient({ region: 'eu-west-1' }), FUNCTION_ARN);
    await expect(probe.probe([{ domainName: 42 as unknown as string }])).rejects.toThrow(
      'The domain probe failed (Unhandled): {"errorType":"TypeError","errorMessage":"Each probe name needs a domainName string"}',
    );
  });
});
