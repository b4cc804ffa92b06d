#!/usr/bin/env -S npx tsx
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostPort, reachableAddress } from '../local/addresses.ts';
import { LOCAL_SETTINGS, type LocalSettings, loadLocalSettings } from '../local/settings.ts';
import { shellQuote } from '../local/shell-quote.ts';

const USAGE = `Usage: certwright <command> [--setting value ...]

Commands:
  start         Run the whole service locally (ACM API, approval site, workflow, CA, DNS, mail) on
                ${LOCAL_SETTINGS.host.default}.
  ca-cert       Print the local CA certificate (PEM) for trust stores.
  credentials   Print shell exports for the first account's access key (eval "$(certwright credentials)").
  settings      List every setting with its environment variable and default.
  run-schedule  Run the schedule of the running local stack now (expiry, expiry notices, renewals) and print
                the run's counts. Signed with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when set, else the
                accounts file's first key; --port/--host/--data-dir as given to "start".
  diagnose <certificate-arn> [--endpoint-url <url>] [--signing-name acm|execute-api] [--json]
                Say per name why a certificate is not issued yet: what the last check saw, when, and when
                the next one runs. Calls DescribeCertificate (default endpoint: the local stack; credentials
                and region from the environment, as the AWS CLI takes them).
  aws-cli-model <dir> [--aws-cli <path>]
                Write a copy of the AWS CLI's ACM model that signs for execute-api (API Gateway's IAM
                authorization) into <dir>; AWS_DATA_PATH=<dir> aws acm ... then calls a deployed stack.

Every setting is a flag (--port 4747) or an environment variable (CERTWRIGHT_PORT=4747); see "settings".`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'start') return start(loadLocalSettings(rest, process.env));
  if (command === 'ca-cert')
    return void process.stdout.write(readCaCertificate(loadLocalSettings(rest, process.env)));
  if (command === 'credentials') return printCredentials(loadLocalSettings(rest, process.env));
  if (command === 'settings') return printSettings();
  if (command === 'aws-cli-model') return writeCliModel(rest);
  if (command === 'diagnose') return diagnose(rest);
  if (command === 'run-schedule') return runSchedule(loadLocalSettings(rest, process.env));
  console.log(USAGE);
  if (command !== 'help' && command !== '--help') process.exitCode = 2;
}

function readCaCertificate(settings: LocalSettings): string {
  try {
    return readFileSync(join(settings.dataDir, 'ca', 'ca.pem'), 'utf8');
  } catch {
    throw new Error(
      `No CA certificate under ${resolve(settings.dataDir)}: run "npm start" once to create the local CA.`,
    );
  }
}

async function printCredentials(settings: LocalSettings): Promise<void> {
  const { loadOrCreateAccounts } = await import('../local/auth/accounts-file.ts');
  const { accounts } = await loadOrCreateAccounts(settings.accountsFile);
  const key = accounts[0]?.accessKeys[0];
  if (!key) throw new Error(`${settings.accountsFile} has no access key.`);
  const exports = {
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_REGION: settings.region,
    // AWS CLI v1 and older SDKs read only this one.
    AWS_DEFAULT_REGION: settings.region,
    AWS_ENDPOINT_URL_ACM: `http://${hostPort(reachableAddress(settings.host), settings.port)}`,
  };
  for (const [name, value] of Object.entries(exports)) console.log(`export ${name}=${shellQuote(value)}`);
}

function printSettings(): void {
  for (const [name, setting] of Object.entries(LOCAL_SETTINGS)) {
    const flag = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    console.log(`--${flag} / ${setting.env} (default ${setting.default})\n    ${setting.help}`);
  }
}

async function writeCliModel(args: string[]): Promise<void> {
  const [dir, ...options] = args;
  const awsCli = options[0] === '--aws-cli' ? options[1] : undefined;
  if (!dir || dir.startsWith('--') || options.length !== (awsCli ? 2 : 0)) {
    throw new Error('Usage: certwright aws-cli-model <dir> [--aws-cli <path to aws>]');
  }
  const { writeAwsCliModel } = await import('../local/aws-cli-model.ts');
  const { source, written } = await writeAwsCliModel(dir, awsCli);
  console.log(
    [
      `Wrote ${written}: a copy of ${source} that signs for execute-api.`,
      'Use it for calls to a deployed stack only (it changes every aws acm call):',
      `  AWS_DATA_PATH=${shellQuote(resolve(dir))} aws acm list-certificates --endpoint-url https://<api id>.execute-api.<region>.amazonaws.com/v1/`,
      'Write it again after upgrading the AWS CLI.',
    ].join('\n'),
  );
}

async function diagnose(args: string[]): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { describeRaw, parseDiagnoseArgs, renderDiagnosis } = await import('../local/diagnose.ts');
  const options = parseDiagnoseArgs(args, process.env);
  const raw = await describeRaw(options);
  process.stdout.write(options.json ? `${JSON.stringify(raw, null, 2)}\n` : renderDiagnosis(raw, new Date()));
}

async function runSchedule(settings: LocalSettings): Promise<void> {
  const { requestScheduleRun } = await import('../local/run-schedule-command.ts');
  const answer = await requestScheduleRun(settings, process.env);
  console.log(JSON.stringify(answer.body, null, 2));
  if (!answer.ok) process.exitCode = 1;
}

async function start(settings: LocalSettings): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { startLocalStack } = await import('../local/local-stack.ts');
  const stack = await startLocalStack(settings);
  const account = stack.accountsFile.accounts[0];
  console.log(
    [
      `Certwright is running.`,
      `  ACM API:        ${stack.url}  (region ${settings.region}; aws acm ... --endpoint-url ${stack.url})`,
      `  CA certificate: ${stack.url}/ca.pem  (or: npm run -s cli -- ca-cert)`,
      `  Credentials:    ${stack.accountsFile.path}${stack.accountsFile.created ? '  (created now with a fresh key)' : ''}`,
      `                  account ${account?.accountId}, access key ${account?.accessKeys[0]?.accessKeyId}; shell exports: npm run -s cli -- credentials`,
      `  DNS (local zones ${settings.localZones.join(', ') || 'none'}): ${hostPort(settings.host, stack.dnsPort)} udp+tcp`,
      `  Events:         ${resolve(stack.eventLogPath)}  (one JSON line per certificate event)`,
      'smtpServer' in stack.mail
        ? `  Mail:           ${stack.mail.smtpServer}  (validation mail, sent from ${settings.emailSender})`
        : `  Mail:           ${resolve(stack.mail.outboxDir)}  (validation mail, one .eml file per message)`,
      `  Data:           ${resolve(settings.dataDir)}`,
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
