import { runCommand } from './run-command.ts';

/** Debian's AWS CLI v2 (package awscli); another `aws` may come first on PATH. */
const AWS_CLI = process.env.CERTWRIGHT_AWS_CLI ?? '/usr/bin/aws';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the stock AWS CLI against an endpoint with the given credentials and nothing else from the machine. */
export function runAwsCli(
  args: string[],
  options: { endpoint: string; accessKeyId: string; secretAccessKey: string; region?: string },
): Promise<CliResult> {
  return runCommand(
    AWS_CLI,
    [
      ...args,
      '--endpoint-url',
      options.endpoint,
      '--region',
      options.region ?? 'us-east-1',
      '--output',
      'json',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: options.accessKeyId,
        AWS_SECRET_ACCESS_KEY: options.secretAccessKey,
        AWS_CONFIG_FILE: '/nonexistent/certwright-aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/certwright-aws-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
      },
    },
  );
}

export async function awsCliJson<T>(args: string[], options: Parameters<typeof runAwsCli>[1]): Promise<T> {
  const result = await runAwsCli(args, options);
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return (result.stdout.trim() ? JSON.parse(result.stdout) : {}) as T;
}
