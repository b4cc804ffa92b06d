import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { CrlRefresh } from '../../core/ports.ts';

/** What the API sends the CRL function: the same kind of request as the schedule rule's, with its source. */
export const CRL_REFRESH_EVENT = { source: 'certwright.revocation', 'detail-type': 'CRL Refresh Requested' };

/**
 * The API's CrlRefresh in AWS: an asynchronous invocation (InvocationType Event) of the CRL function, which
 * holds the right to sign with the CA key that the API has not. Lambda queues the event and retries a failed
 * run twice; the schedule rule republishes the CRL anyway.
 */
export class LambdaCrlRefresh implements CrlRefresh {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async request(): Promise<void> {
    const response = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(CRL_REFRESH_EVENT)),
      }),
    );
    if (response.StatusCode !== 202) {
      throw new Error(`The CRL function did not accept the refresh request (status ${response.StatusCode})`);
    }
  }
}
