import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeCertificateCommand, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/local-stack.ts';
import { type BindServer, startBindServer } from '../support/bind-server.ts';
import { eventually } from '../support/eventually.ts';
import { acmClient, makeDataDir, startTestStack, testSettings } from '../support/local-stack-harness.ts';
import { readMail } from '../support/mime-message.ts';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink.ts';

// The approval page in a real browser (headless Chromium, loopback only): the link from the mail shows the
// request, its one stylesheet passes the page's Content-Security-Policy, Approve posts back to the same
// URL and issues the certificate; a form on another site's page posting to the link is refused.

const CHROMIUM = '/usr/bin/chromium';
/** Every name but the loopback address fails to resolve: the browser reaches nothing else. */
const LOOPBACK_ONLY = '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1';

let sink: SmtpSink;
let stack: LocalStack;
let browser: Browser;
let cleanupDataDir: () => Promise<void>;
// The CAA check before issuance climbs to the TLD: a DNS server on loopback answers it, not the machine's.
let dns: BindServer;

beforeAll(async () => {
  sink = await startSmtpSink();
  const { dataDir, cleanup } = await makeDataDir();
  cleanupDataDir = cleanup;
  dns = await startBindServer({ zone: 'example.test' });
  stack = await startTestStack(testSettings(dataDir, { smtpUrl: sink.url, dnsResolvers: dns.address }), {
    fastWorkflow: true,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [LOOPBACK_ONLY] });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await sink?.close();
  await dns?.stop();
  await cleanupDataDir?.();
});

async function status(arn: string): Promise<{ status?: string; validation?: string }> {
  const { Certificate } = await acmClient(stack).send(
    new DescribeCertificateCommand({ CertificateArn: arn }),
  );
  return {
    status: Certificate?.Status,
    validation: Certificate?.DomainValidationOptions?.[0]?.ValidationStatus,
  };
}

/** A page of another site (127.0.0.1 on another port) with a form that posts to `link`. */
async function foreignPage(link: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<form method="post" action="${link}"><button type="submit">Win a prize</button></form>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe('the approval page in a browser', () => {
  it('shows the request from the mailed link, approves on the button, and refuses a form from another site', async () => {
    const before = sink.messages.length;
    const { CertificateArn: arn = '' } = await acmClient(stack).send(
      new RequestCertificateCommand({
        DomainName: 'browser.example.test',
        ValidationMethod: 'EMAIL',
        DomainValidationOptions: [{ DomainName: 'browser.example.test', ValidationDomain: 'example.test' }],
      }),
    );
    const [mail] = (await sink.waitForMessages(before + 5)).slice(before);
    const link = new RegExp(`${stack.url}/approvals/[A-Za-z0-9_-]{43}`).exec(
      readMail(mail?.raw ?? '').text,
    )?.[0];
    if (link === undefined) throw new Error(`no approval link in:\n${mail?.raw}`);
    // The mails go out before the workflow records the link as the current one.
    await eventually(async () => (await fetch(link)).status === 200, 'the approval link to work');

    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleMessages: string[] = [];
    page.on('console', (message) => consoleMessages.push(message.text()));

    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Approve a certificate request');
    expect(await page.locator('body').textContent()).toContain('browser.example.test');
    expect(await page.locator('body').textContent()).toContain(arn);
    // The inline stylesheet applied: the CSP's hash matches it.
    expect(await page.locator('button').evaluate((button) => getComputedStyle(button).cursor)).toBe(
      'pointer',
    );
    expect(await status(arn)).toEqual({ status: 'PENDING_VALIDATION', validation: 'PENDING_VALIDATION' });

    const foreign = await foreignPage(link);
    try {
      const attacker = await context.newPage();
      await attacker.goto(foreign.url);
      const [refused] = await Promise.all([
        attacker.waitForResponse((response) => response.request().method() === 'POST'),
        attacker.getByRole('button', { name: 'Win a prize' }).click(),
      ]);
      expect(refused.status()).toBe(403);
      expect(await refused.request().headerValue('sec-fetch-site')).toBe('same-site');
      await attacker.close();
    } finally {
      foreign.server.close();
    }
    expect(await status(arn)).toEqual({ status: 'PENDING_VALIDATION', validation: 'PENDING_VALIDATION' });

    const [posted] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST'),
      page.getByRole('button', { name: 'Approve' }).click(),
    ]);
    expect(posted.url()).toBe(link);
    expect(posted.status()).toBe(200);
    // Under Referrer-Policy: no-referrer the browser's own form sends `Origin: null`; Sec-Fetch-Site tells.
    expect(await posted.request().headerValue('sec-fetch-site')).toBe('same-origin');
    expect(await posted.request().headerValue('origin')).toBe('null');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Approved');
    expect(consoleMessages.filter((text) => /Content Security Policy|Refused/i.test(text))).toEqual([]);
    await eventually(async () => (await status(arn)).status === 'ISSUED', 'the certificate issued');
    expect((await status(arn)).validation).toBe('SUCCESS');
    await context.close();
  });
});
