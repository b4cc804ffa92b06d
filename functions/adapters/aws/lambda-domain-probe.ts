import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DomainProbe, DomainProbeAnswer, DomainProbeName } from '../../core/ports.ts';
import type { DomainProbeEvent, DomainProbeResult } from '../../tasks/check-validation.ts';

/**
 * The API's DomainProbe in AWS: a synchronous invocation of the check-validation function, which may
 * resolve names (the API function may not).
 */
export class LambdaDomainProbe implements DomainProbe {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async probe(names: DomainProbeName[]): Promise<DomainProbeAnswer[]> {
    const event: DomainProbeEvent = { probe: { names } };
    const response = await this.client.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    const payload = response.Payload ? new TextDecoder().decode(response.Payload) : '';
    if (response.FunctionError) {
      throw new Error(`The domain probe failed (${response.FunctionError}): ${payload}`);
    }
    const result = JSON.parse(payload) as DomainProbeResult;
    if (!Array.isArray(result?.domains))
      throw new Error(`The domain probe answered without domains: ${payload}`);
    return result.domains;
  }
}
