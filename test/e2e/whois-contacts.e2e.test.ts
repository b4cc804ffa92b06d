import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { type ACMClient, DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { startBindServer } from '../support/bind-server.ts';
import { useCleanups } from '../support/cleanups.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/free-port.ts';
import { acmClient, makeDataDir, startTestStack, testSettings } from '../support/local-stack-harness.ts';
import { readMail } from '../support/mime-message.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

// The opt-in WHOIS contacts on the local stack: with CERTWRIGHT_WHOIS_SERVER pointing at a WHOIS server
// (here one on 127.0.0.1), the workflow's first step mails the contacts it answers along with the five
// approver addresses, and DescribeCertificate lists them; a server that cannot be reached changes nothing.

const APPROVERS = ['admin', 'administrator', 'hostmaster', 'postmaster', 'webmaster'].map(
  (box) => `${box}@example.test`,
);
const cleanups = useCleanups();

/** A WHOIS server that answers example.test with published contacts, anything else with "No match". */
async function startWhoisServer(): Promise<{ address: string; queries: string[] }> {
  const queries: string[] = [];
  const connections = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (!received.endsWith('\r\n')) return;
      const domain = received.trim();
      queries.push(domain);
      if (domain !== 'example.test') return void socket.end(`No match for "${domain}".\r\n`);
      socket.end(
        [
          'Domain Name: EXAMPLE.TEST',
          'Registrar Abuse Contact Email: abuse@registrar.test',
          'Registrant Email: Owner@Registrant.test',
          'Admin Email: REDACTED FOR PRIVACY',
          'Tech Email: noc@dns-operator.test',
          '',
        ].join('\r\n'),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of connections) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, queries };
}

async function startStack(
  whoisServer: string,
): Promise<{ stack: LocalStack; client: ACMClient; sink: SmtpSink }> {
  const sink = await startSmtpSink();
  cleanups.push(() => sink.close());
  // The CAA check before issuance climbs to the TLD: a DNS server on loopback answers it, not the machine's.
  const dns = await startBindServer({ zone: 'example.test' });
  cleanups.push(() => dns.stop());
  const { dataDir, cleanup } = await makeDataDir();
  cleanups.push(cleanup);
  const stack = await startTestStack(
    testSettings(dataDir, { smtpUrl: sink.url, whoisServer, dnsResolvers: dns.address }),
    {
      fastWorkflow: true,
    },
  );
  cleanups.push(() => stack.stop());
  return { stack, client: acmClient(stack), sink };
}

async function requestEmail(client: ACMClient, domainName: string): Promise<string> {
  const { CertificateArn } = await client.send(
    new RequestCertificateCommand({
      DomainName: domainName,
      ValidationMethod: 'EMAIL',
      DomainValidationOptions: [{ DomainName: domainName, ValidationDomain: 'example.test' }],
    }),
  );
  if (!CertificateArn) throw new Error('no ARN');
  return CertificateArn;
}

function tokenIn(raw: string | undefined): string {
  const token = /\/approvals\/([A-Za-z0-9_-]{43})/.exec(readMail(raw ?? '').text)?.[1];
  if (!token) throw new Error(`no approval link in:\n${raw}`);
  return token;
}

async function validationEmails(client: ACMClient, arn: string): Promise<string[] | undefined> {
  const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
  return Certificate?.DomainValidationOptions?.[0]?.ValidationEmails;
}

describe('WHOIS contacts on the local stack', () => {
  it('mails the WHOIS contacts too, lists them in ValidationEmails, and their link approves', async () => {
    const whois = await startWhoisServer();
    const { stack, client, sink } = await startStack(whois.address);
    const arn = await requestEmail(client, 'app.example.test');

    const contacts = ['owner@registrant.test', 'noc@dns-operator.test'];
    const mails = await sink.waitForMessages(APPROVERS.length + contacts.length);
    expect(mails.map((mail) => mail.rcptTo[0]).sort()).toEqual([...APPROVERS, ...contacts].sort());
    expect(whois.queries).toEqual(['example.test']);
    const expected = [...APPROVERS, ...contacts];
    await eventually(
      async () => JSON.stringify(await validationEmails(client, arn)) === JSON.stringify(expected),
      'the contacts in ValidationEmails',
    );

    const token = tokenIn(mails.find((mail) => mail.rcptTo[0] === 'noc@dns-operator.test')?.raw);
    const approved = await fetch(`${stack.url}/approvals/${token}`, {
      method: 'POST',
      headers: { origin: 'null', 'sec-fetch-site': 'same-origin' },
    });
    expect(approved.status).toBe(200);
    await eventually(async () => {
      const { Certificate } = await client.send(new DescribeCertificateCommand({ CertificateArn: arn }));
      return Certificate?.Status === 'ISSUED';
    }, 'the certificate issued');
  });

  it('mails the five approver addresses alone when the WHOIS server cannot be reached', async () => {
    const { stack, client, sink } = await startStack(`127.0.0.1:${await freePort()}`);
    const arn = await requestEmail(client, 'unreachable.example.test');
    const mails = await sink.waitForMessages(APPROVERS.length);
    expect(mails.map((mail) => mail.rcptTo[0]).sort()).toEqual(APPROVERS);
    // The link works once the step has written what it records: the addresses are still the five.
    const token = tokenIn(mails[0]?.raw);
    await eventually(
      async () => (await fetch(`${stack.url}/approvals/${token}`)).status === 200,
      'the approval link to work',
    );
    expect(await validationEmails(client, arn)).toEqual(APPROVERS);
  });
});
