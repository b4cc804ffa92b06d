import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ApprovalMailFacts,
  approvalMail,
  approvalUrl,
} from '../../../functions/core/approvals/approval-mail.ts';
import { escapeHtml } from '../../../functions/core/html-escape.ts';

const TOKEN = 'q1Z3-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJK';
const FACTS: ApprovalMailFacts = {
  to: 'hostmaster@example.com',
  domainName: 'www.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/00000000-0000-4000-8000-000000000001',
  accountId: '111122223333',
  region: 'eu-west-1',
  approvalUrl: approvalUrl('https://approve.example.net', TOKEN),
  expiresAt: '2026-03-04T12:00:00.000Z',
};

describe('approvalMail', () => {
  it('links to <approvalBaseUrl>/approvals/<token>', () => {
    expect(FACTS.approvalUrl).toBe(`https://approve.example.net/approvals/${TOKEN}`);
  });

  it('goes to one approver address, with the subject naming the domain', () => {
    const message = approvalMail(FACTS);
    expect(message.to).toEqual(['hostmaster@example.com']);
    expect(message.subject).toBe('Certificate approval for www.example.com');
  });

  it('names the domain, the certificate ARN, the account, the requesting region, the link and the expiry', () => {
    const { text, html } = approvalMail(FACTS);
    for (const body of [text, html]) {
      expect(body).toContain('www.example.com');
      expect(body).toContain(FACTS.certificateArn);
      expect(body).toContain('111122223333');
      expect(body).toContain('eu-west-1');
      expect(body).toContain(FACTS.approvalUrl);
      expect(body).toContain('Wed, 04 Mar 2026 12:00:00 GMT');
    }
    expect(text).toContain(`\n${FACTS.approvalUrl}\n`);
    expect(html).toContain(`<a href="${FACTS.approvalUrl}">`);
  });

  it('says that opening the link changes nothing and only Approve on the page approves', () => {
    const { text, html } = approvalMail(FACTS);
    for (const body of [text, html]) {
      expect(body).toContain('Opening the link changes nothing');
      expect(body).toContain('only a click on Approve there approves it');
    }
  });

  it('escapes everything it puts into the HTML', () => {
    const base = 'https://approve.example.net/x?a=1&b="<q>"';
    const { html, text } = approvalMail({ ...FACTS, approvalUrl: approvalUrl(base, TOKEN) });
    expect(html).toContain(
      `<a href="https://approve.example.net/x?a=1&amp;b=&quot;&lt;q&gt;&quot;/approvals/${TOKEN}">`,
    );
    expect(html).not.toContain('"<q>"');
    expect(text).toContain(`${base}/approvals/${TOKEN}`);
  });
});

describe('escapeHtml', () => {
  it('property: leaves no markup character and decodes back to the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const escaped = escapeHtml(value);
        expect(escaped).not.toMatch(/[<>"']/);
        const decoded = escaped
          .replaceAll('&lt;', '<')
          .replaceAll('&gt;', '>')
          .replaceAll('&quot;', '"')
          .replaceAll('&#39;', "'")
          .replaceAll('&amp;', '&');
        expect(decoded).toBe(value);
      }),
    );
  });
});
