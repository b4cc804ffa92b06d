/**
 * An ACM model for the installed AWS CLI that knows operations the CLI predates. The CLI's own model is
 * copied into a directory for AWS_DATA_PATH, and each missing operation is added with its shapes translated
 * from the installed @aws-sdk/client-acm, whose schemas (StaticSchema tuples of @smithy/types) describe
 * ACM's current API. Nothing the CLI already knows is changed: a shape the CLI has keeps its definition.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as acm from '@aws-sdk/client-acm';
import { writeAwsCliModel } from '../../local/aws-cli-model.ts';
import { runCommand } from './run-command.ts';

/** A botocore paginator: the CLI pages with it when the operation is called without its own page members. */
export interface CliPaginator {
  input_token: string;
  output_token: string;
  limit_key?: string;
  result_key: string;
}

export interface AcmCliModelAdditions {
  /** Operation names, e.g. `SearchCertificates`. */
  operations: string[];
  /** Paginators to add for those operations (the SDK's are code, not data). */
  paginators?: Record<string, CliPaginator>;
}

type BotocoreShape = Record<string, unknown> & { type: string };

interface BotocoreModel {
  metadata: { signingName?: string };
  operations: Record<string, unknown>;
  shapes: Record<string, BotocoreShape>;
}

/** @smithy/types' StaticSchema ids and SimpleSchema values. */
const SIMPLE = 0;
const LIST = 1;
const MAP = 2;
const STRUCTURE = 3;
const UNION = 4;
const OPERATION = 9;
const SENSITIVE_TRAIT = 0b1000;
const LIST_MODIFIER = 0b0100_0000;
const MAP_MODIFIER = 0b1000_0000;
const SIMPLE_TYPES: Record<number, string> = {
  0: 'string',
  1: 'integer',
  2: 'boolean',
  4: 'timestamp',
  5: 'timestamp',
  6: 'timestamp',
  7: 'timestamp',
  21: 'blob',
};

/**
 * Writes `<dir>/acm/<api version>/service-2.json` (and paginators-1.json beside it) for AWS_DATA_PATH: the
 * CLI's ACM model, signing as ACM does (the local stack's SigV4 service), with `additions`. Answers the
 * operations that were added (those the CLI already had are left as they are).
 */
export async function writeAcmCliModel(
  dir: string,
  awsCli: string,
  additions: AcmCliModelAdditions,
): Promise<{ written: string; added: string[] }> {
  const { source, written } = await writeAwsCliModel(dir, awsCli);
  const model = JSON.parse(await readFile(written, 'utf8')) as BotocoreModel;
  // writeAwsCliModel signs for API Gateway; the CLI's own model signs for acm, as the local stack expects.
  delete model.metadata.signingName;
  const added = additions.operations.filter((name) => model.operations[name] === undefined);
  for (const name of added) addOperation(model, name);
  await writeFile(written, `${JSON.stringify(model)}\n`);

  const paginators = await installedPaginators(dirname(source));
  for (const name of added) {
    const paginator = additions.paginators?.[name];
    if (paginator) paginators.pagination[name] ??= paginator;
  }
  await writeFile(join(dirname(written), 'paginators-1.json'), `${JSON.stringify(paginators)}\n`);
  return { written, added };
}

function addOperation(model: BotocoreModel, name: string): void {
  const schema = (acm as unknown as Record<string, unknown>)[`${name}$`];
  if (!Array.isArray(schema) || schema[0] !== OPERATION) {
    throw new Error(`@aws-sdk/client-acm has no operation ${name}`);
  }
  model.operations[name] = {
    name,
    http: { method: 'POST', requestUri: '/' },
    input: { shape: shapeOf(model, schema[4]) },
    output: { shape: shapeOf(model, schema[5]) },
  };
}

/** The botocore shape name of a schema, adding its shape (and those it refers to) when the model lacks it. */
function shapeOf(model: BotocoreModel, ref: unknown): string {
  const schema = typeof ref === 'function' ? (ref as () => unknown)() : ref;
  if (typeof schema === 'number') return simpleShape(model, schema);
  if (!Array.isArray(schema)) throw new Error(`not a schema: ${String(schema)}`);
  // A member schema with traits: [schema, traits].
  if (schema.length === 2) return shapeOf(model, schema[0]);
  const [kind, , name] = schema as [number, string, string];
  if (model.shapes[name]) return name;
  switch (kind) {
    case SIMPLE:
      model.shapes[name] = {
        type: simpleType(schema[4]),
        ...(isSensitive(schema[3]) && { sensitive: true }),
      };
      break;
    case LIST: {
      // Entered before its member, which may hold the list again.
      const shape: BotocoreShape = { type: 'list' };
      model.shapes[name] = shape;
      shape.member = { shape: shapeOf(model, schema[4]) };
      break;
    }
    case MAP:
      model.shapes[name] = {
        type: 'map',
        key: { shape: shapeOf(model, schema[4]) },
        value: { shape: shapeOf(model, schema[5]) },
      };
      break;
    case STRUCTURE:
    case UNION:
      addStructure(model, name, schema, kind === UNION);
      break;
    default:
      throw new Error(`cannot translate schema kind ${kind} (${name})`);
  }
  return name;
}

/** A structure or union; its first `schema[6]` members are the required ones. */
function addStructure(model: BotocoreModel, name: string, schema: unknown[], union: boolean): void {
  const memberNames = schema[4] as string[];
  const memberSchemas = schema[5] as unknown[];
  const required = memberNames.slice(0, (schema[6] as number | undefined) ?? 0);
  const shape: BotocoreShape = { type: 'structure', members: {} };
  // Entered before its members, so a recursive reference (a statement holding statements) finds it.
  model.shapes[name] = shape;
  shape.members = Object.fromEntries(
    memberNames.map((member, index) => [member, { shape: shapeOf(model, memberSchemas[index]) }]),
  );
  if (required.length > 0) shape.required = required;
  if (union) shape.union = true;
}

/** An unnamed simple schema or list/map of one: a shape named after its type. */
function simpleShape(model: BotocoreModel, schema: number): string {
  if (schema & LIST_MODIFIER || schema & MAP_MODIFIER) {
    const value = simpleShape(model, schema & ~(LIST_MODIFIER | MAP_MODIFIER));
    const name = `${schema & LIST_MODIFIER ? 'ListOf' : 'MapOf'}${value}`;
    model.shapes[name] ??=
      schema & LIST_MODIFIER
        ? { type: 'list', member: { shape: value } }
        : { type: 'map', key: { shape: simpleShape(model, 0) }, value: { shape: value } };
    return name;
  }
  const type = simpleType(schema);
  const name = `Sdk${type.charAt(0).toUpperCase()}${type.slice(1)}`;
  model.shapes[name] ??= { type };
  return name;
}

/** The sensitive trait, in a schema's traits bit field (@smithy/core's translateTraits) or object. */
function isSensitive(traits: unknown): boolean {
  if (typeof traits === 'number') return (traits & SENSITIVE_TRAIT) !== 0;
  return typeof traits === 'object' && traits !== null && 'sensitive' in traits;
}

function simpleType(schema: unknown): string {
  const type = typeof schema === 'number' ? SIMPLE_TYPES[schema] : undefined;
  if (!type) throw new Error(`cannot translate simple schema ${String(schema)}`);
  return type;
}

async function installedPaginators(modelDir: string): Promise<{ pagination: Record<string, CliPaginator> }> {
  for (const file of ['paginators-1.json', 'paginators-1.json.gz']) {
    const raw = await readFile(join(modelDir, file)).catch(() => undefined);
    if (raw) return JSON.parse((file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  }
  return { pagination: {} };
}

/**
 * Runs the AWS CLI against `target` with the model written by writeAcmCliModel in `dataPath`, and nothing
 * else from the machine (no profile, no credentials file, no instance metadata, no pager).
 */
export function runAwsCliWithModel(
  awsCli: string,
  dataPath: string,
  args: string[],
  target: { endpoint: string; accessKeyId: string; secretAccessKey: string; region?: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCommand(
    awsCli,
    [
      ...args,
      '--endpoint-url',
      target.endpoint,
      '--region',
      target.region ?? 'us-east-1',
      '--output',
      'json',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: target.accessKeyId,
        AWS_SECRET_ACCESS_KEY: target.secretAccessKey,
        AWS_DATA_PATH: dataPath,
        AWS_CONFIG_FILE: '/nonexistent/certwright-aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/certwright-aws-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      },
    },
  );
}
