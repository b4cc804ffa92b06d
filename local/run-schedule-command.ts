/**
 * `certwright run-schedule`: asks the running local stack to run its schedule now (the RunSchedule
 * operation, local/run-schedule-operation.ts) and prints the run's counts. The data directory is the
 * stack's while it runs, so the command goes through the stack's API, signed with SigV4 like any client.
 */
import { hostPort, reachableAddress } from './addresses.ts';
import { loadOrCreateAccounts } from './auth/accounts-file.ts';
import { RUN_SCHEDULE_TARGET } from './run-schedule-operation.ts';
import type { LocalSettings } from './settings.ts';
import { signPost } from './signed-post.ts';

export interface ScheduleRunAnswer {
  ok: boolean;
  /** The run's counts, or the error the stack answered (its `run` holds the counts of an incomplete run). */
  body: unknown;
}

/**
 * Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when both are set, else the first key of the
 * accounts file.
 */
export async function requestScheduleRun(
  settings: LocalSettings,
  env: NodeJS.ProcessEnv,
): Promise<ScheduleRunAnswer> {
  const url = new URL(`http://${hostPort(reachableAddress(settings.host), settings.port)}/`);
  const credentials = await localCredentials(settings, env);
  const { headers, body } = await signPost(url.origin, {
    credentials,
    region: settings.region,
    service: 'acm',
    contentType: 'application/x-amz-json-1.1',
    target: RUN_SCHEDULE_TARGET,
    body: '{}',
  });
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body });
  } catch (error) {
    throw new Error(`No local stack answers at ${url.origin} (start it with "npm start"): ${String(error)}`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: shown as it came.
  }
  return { ok: response.ok, body: parsed };
}

async function localCredentials(
  settings: LocalSettings,
  env: NodeJS.ProcessEnv,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
  }
  const { accounts } = await loadOrCreateAccounts(settings.accountsFile);
  const key = accounts[0]?.accessKeys[0];
  if (!key) throw new Error(`${settings.accountsFile} has no access key.`);
  return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
}
