import { ACMClient, type ACMClientConfig, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { hostPort, reachableAddress } from './addresses.ts';
import { loadLocalSettings } from './settings.ts';

/** Certwright's ValidationDiagnosis member of a DomainValidation, as DescribeCertificate sends it. */
export interface WireDiagnosis {
  CheckedAt?: number;
  NextCheckAt?: number;
  Outcome: string;
  Message: string;
  Found?: string[];
  Server?: string;
}

interface WireDomainValidation {
  DomainName: string;
  ValidationStatus?: string;
  ValidationMethod?: string;
  ResourceRecord?: { Name: string; Type: string; Value: string };
  ValidationEmails?: string[];
  ValidationDiagnosis?: WireDiagnosis;
}

/** The part of DescribeCertificate's raw answer the diagnosis reads. */
export interface RawDescription {
  Certificate?: {
    CertificateArn?: string;
    Status?: string;
    FailureReason?: string;
    IssuedAt?: number;
    DomainValidationOptions?: WireDomainValidation[];
  };
}

export interface DiagnoseOptions {
  certificateArn: string;
  endpoint: string;
  region: string;
  /** `acm`, or `execute-api` for a deployed stack behind API Gateway. */
  signingName: string;
  /** Print DescribeCertificate's raw JSON instead of words. */
  json: boolean;
}

export const DIAGNOSE_USAGE =
  'Usage: certwright diagnose <certificate-arn> [--endpoint-url <url>] [--signing-name acm|execute-api] [--json] [--port ...]';

/**
 * Reads `diagnose`'s arguments. Endpoint: --endpoint-url, else AWS_ENDPOINT_URL_ACM or AWS_ENDPOINT_URL (as
 * the AWS CLI reads them), else the local stack the local settings describe. Region: --region, else
 * AWS_REGION or AWS_DEFAULT_REGION, else the local settings' region. Credentials are left to the SDK, which
 * reads them where the AWS CLI does (environment, profiles).
 */
export function parseDiagnoseArgs(argv: string[], env: NodeJS.ProcessEnv): DiagnoseOptions {
  const own: Record<string, string | undefined> = {};
  const settingArgs: string[] = [];
  const positionals: string[] = [];
  let json = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    const [flag, inlineValue] = arg.startsWith('--') ? splitFlag(arg) : [undefined, undefined];
    if (flag === undefined) positionals.push(arg);
    else if (flag === '--json') json = true;
    else {
      // Every other flag takes a value: ours (--endpoint-url, --signing-name) or a local setting's.
      const value = inlineValue ?? argv[++index];
      if (value === undefined) throw new Error(`${flag} needs a value.\n${DIAGNOSE_USAGE}`);
      if (OWN_FLAGS.has(flag)) own[flag] = value;
      else settingArgs.push(flag, value);
    }
  }
  const [certificateArn, ...extra] = positionals;
  if (!certificateArn || extra.length > 0) throw new Error(DIAGNOSE_USAGE);
  const settings = loadLocalSettings(settingArgs, env);
  const endpoint =
    own['--endpoint-url'] ??
    env.AWS_ENDPOINT_URL_ACM ??
    env.AWS_ENDPOINT_URL ??
    `http://${hostPort(reachableAddress(settings.host), settings.port)}`;
  const region = settingArgs.includes('--region')
    ? settings.region
    : (env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? settings.region);
  const signingName =
    own['--signing-name'] ?? (new URL(endpoint).hostname.includes('.execute-api.') ? 'execute-api' : 'acm');
  return { certificateArn, endpoint, region, signingName, json };
}

const OWN_FLAGS = new Set(['--endpoint-url', '--signing-name']);

function splitFlag(arg: string): [string, string | undefined] {
  const equals = arg.indexOf('=');
  return equals === -1 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

/**
 * DescribeCertificate through the ACM SDK. Stock clients drop members their model lacks, so a middleware
 * keeps the raw JSON body on its way to the deserializer, and the diagnosis is read from that.
 */
export async function describeRaw(options: DiagnoseOptions): Promise<RawDescription> {
  const client = new ACMClient({
    endpoint: options.endpoint,
    region: options.region,
    signingName: options.signingName,
  } as ACMClientConfig);
  let rawBody: string | undefined;
  const capture = (next: Handler) => async (args: object) => {
    const result = await next(args);
    const response = result.response as { body?: unknown };
    const body = await readBody(response.body);
    rawBody = Buffer.from(body).toString('utf8');
    response.body = body;
    return result;
  };
  // Inside the deserializer: the body is read here first, then handed on as bytes.
  client.middlewareStack.addRelativeTo(capture as Middleware, {
    name: 'captureRawDescription',
    relation: 'after',
    toMiddleware: 'deserializerMiddleware',
  });
  try {
    await client.send(new DescribeCertificateCommand({ CertificateArn: options.certificateArn }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'CredentialsProviderError') throw error;
    throw new Error(
      `${(error as Error).message}. For the local stack: eval "$(npm run -s cli -- credentials)"`,
    );
  } finally {
    client.destroy();
  }
  if (rawBody === undefined) throw new Error('DescribeCertificate answered without a body.');
  return JSON.parse(rawBody) as RawDescription;
}

type Middleware = Parameters<ACMClient['middlewareStack']['addRelativeTo']>[0];
type Handler = (args: object) => Promise<{ response: unknown; output: unknown }>;

async function readBody(body: unknown): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body;
  if (body === undefined || body === null) return new Uint8Array();
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The description in plain words: the certificate's status, then each name's last check and next one. */
export function renderDiagnosis(raw: RawDescription, now: Date): string {
  const certificate = raw.Certificate ?? {};
  const lines = [`${certificate.CertificateArn ?? '(no ARN)'}: ${certificate.Status ?? 'status unknown'}`];
  if (certificate.FailureReason) lines.push(`Failure reason: ${certificate.FailureReason}`);
  if (certificate.Status === 'ISSUED' && certificate.IssuedAt !== undefined)
    lines.push(`Issued ${when(certificate.IssuedAt, now)}.`);
  for (const dv of certificate.DomainValidationOptions ?? []) {
    lines.push(
      '',
      `${dv.DomainName}: ${dv.ValidationStatus ?? '?'} (${dv.ValidationMethod ?? '?'} validation)`,
    );
    if (dv.ResourceRecord) {
      const record = dv.ResourceRecord;
      lines.push(`  Record to publish: ${record.Name} ${record.Type} ${record.Value}`);
    }
    const diagnosis = dv.ValidationDiagnosis;
    if (!diagnosis) {
      lines.push('  No diagnosis (the endpoint sent none: is it Certwright?)');
      continue;
    }
    lines.push(`  ${diagnosis.Outcome}: ${diagnosis.Message}`);
    if (diagnosis.Found?.length) lines.push(`  Found: ${diagnosis.Found.join(', ')}`);
    if (diagnosis.Server) lines.push(`  DNS server: ${diagnosis.Server}`);
    if (diagnosis.CheckedAt !== undefined) lines.push(`  Last check: ${when(diagnosis.CheckedAt, now)}`);
    if (diagnosis.NextCheckAt !== undefined) lines.push(`  Next check: ${when(diagnosis.NextCheckAt, now)}`);
  }
  if (certificate.Status === 'PENDING_VALIDATION') {
    lines.push(
      '',
      'Fixed a record? Ask for a check now with CertificateManager.ValidateNow instead of waiting (see the README).',
    );
  }
  return `${lines.join('\n')}\n`;
}

function when(epochSeconds: number, now: Date): string {
  const at = new Date(epochSeconds * 1000);
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const relative = seconds === 0 ? 'now' : seconds > 0 ? `in ${span(seconds)}` : `${span(-seconds)} ago`;
  return `${at.toISOString().replace(/\.\d{3}Z$/, 'Z')} (${relative})`;
}

function span(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}
