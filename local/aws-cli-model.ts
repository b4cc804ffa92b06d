import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The signing name API Gateway's IAM authorization checks. */
export const API_GATEWAY_SIGNING_NAME = 'execute-api';

// botocore logs every model file it loads (newer releases ship them gzipped).
const MODEL_LOADED = /Loading JSON file: (.*[\\/]acm[\\/][^\\/]+[\\/]service-2\.json(?:\.gz)?)\r?\n/;

export interface AwsCliModelOverride {
  /** The installed CLI's own ACM model. */
  source: string;
  /** The copy to put into AWS_DATA_PATH: `<dir>/acm/<api version>/service-2.json`. */
  written: string;
}

/**
 * Writes a copy of the installed AWS CLI's ACM model that signs for `execute-api`, so `aws acm ...` can call
 * the API behind API Gateway's IAM authorization when AWS_DATA_PATH names `dir`. The CLI itself says which
 * model it loads (`aws acm help --debug` reads the model and sends nothing), so any CLI layout works.
 */
export async function writeAwsCliModel(dir: string, awsCli = 'aws'): Promise<AwsCliModelOverride> {
  const source = await installedAcmModel(awsCli);
  const raw = await readFile(source);
  const model = JSON.parse((source.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')) as {
    metadata?: { targetPrefix?: string; signingName?: string };
  };
  if (model.metadata?.targetPrefix !== 'CertificateManager') {
    throw new Error(`${source} is not the ACM model (targetPrefix ${model.metadata?.targetPrefix})`);
  }
  model.metadata.signingName = API_GATEWAY_SIGNING_NAME;
  const version = basename(dirname(source));
  const target = join(resolve(dir), 'acm', version);
  await mkdir(target, { recursive: true });
  const written = join(target, 'service-2.json');
  await writeFile(written, `${JSON.stringify(model)}\n`);
  return { source, written };
}

function installedAcmModel(awsCli: string): Promise<string> {
  // An override already in AWS_DATA_PATH would otherwise be the model reported.
  const { AWS_DATA_PATH: _, ...env } = process.env;
  return new Promise((resolvePath, reject) => {
    const child = spawn(awsCli, ['acm', 'help', '--debug'], {
      env: { ...env, AWS_PAGER: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = MODEL_LOADED.exec(stderr);
      if (match?.[1]) {
        child.kill();
        resolvePath(match[1]);
      }
    });
    child.on('error', (error) => reject(new Error(`Cannot run the AWS CLI (${awsCli}): ${error.message}`)));
    child.on('close', () =>
      reject(
        new Error(`${awsCli} acm help --debug did not say where its ACM model is:\n${stderr.slice(-2000)}`),
      ),
    );
  });
}
