/**
 * The CRL's AWS adapters against aws-sdk-client-mock stand-ins that behave like the services: S3 keeps the
 * objects put (body and headers), Lambda queues asynchronous invocations with a 202 as it does.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CRL_REFRESH_EVENT, LambdaCrlRefresh } from '../../../functions/adapters/aws/lambda-crl-refresh.ts';
import { S3CrlPublisher } from '../../../functions/adapters/aws/s3-crl-publisher.ts';

const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);
afterEach(() => {
  s3.reset();
  lambda.reset();
});

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:certwright-PublishCrl';

describe('S3CrlPublisher', () => {
  it('puts the DER CRL as the one object, typed application/pkix-crl, cached briefly', async () => {
    const objects = new Map<string, { body: Uint8Array; contentType?: string; cacheControl?: string }>();
    s3.on(PutObjectCommand).callsFake(async (input: PutObjectCommand['input']) => {
      objects.set(`${input.Bucket}/${input.Key}`, {
        body: input.Body as Uint8Array,
        contentType: input.ContentType,
        cacheControl: input.CacheControl,
      });
      return { ETag: '"1"' };
    });
    const publisher = new S3CrlPublisher(new S3Client({ region: 'eu-west-1' }), {
      bucket: 'certwright-crl',
      key: 'ca.crl',
    });
    await publisher.publish(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    await publisher.publish(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02]));
    expect([...objects.keys()]).toEqual(['certwright-crl/ca.crl']);
    expect(objects.get('certwright-crl/ca.crl')).toEqual({
      body: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02]),
      contentType: 'application/pkix-crl',
      cacheControl: 'public, max-age=300',
    });
  });

  it('lets an S3 failure through, so the run fails and is retried', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const publisher = new S3CrlPublisher(new S3Client({ region: 'eu-west-1' }), {
      bucket: 'b',
      key: 'ca.crl',
    });
    await expect(publisher.publish(new Uint8Array([1]))).rejects.toThrow('Access Denied');
  });
});

describe('LambdaCrlRefresh', () => {
  it('invokes the CRL function asynchronously with a refresh event and returns once it is queued', async () => {
    const queued: unknown[] = [];
    lambda.on(InvokeCommand).callsFake(async (input: InvokeCommand['input']) => {
      expect(input).toMatchObject({ FunctionName: FUNCTION_ARN, InvocationType: 'Event' });
      queued.push(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array)));
      return { StatusCode: 202 };
    });
    await new LambdaCrlRefresh(new LambdaClient({ region: 'eu-west-1' }), FUNCTION_ARN).request();
    expect(queued).toEqual([CRL_REFRESH_EVENT]);
  });

  it('fails when Lambda does not queue the event', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    const refresh = new LambdaCrlRefresh(new LambdaClient({ region: 'eu-west-1' }), FUNCTION_ARN);
    await expect(refresh.request()).rejects.toThrow('status 200');
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    await expect(refresh.request()).rejects.toThrow('not authorized');
  });
});
