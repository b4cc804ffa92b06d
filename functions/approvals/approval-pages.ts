import type { ApprovalProblem, ApprovalRequest } from '../core/approvals/approval-desk.ts';
import { escapeHtml } from '../core/html-escape.ts';
import { PAGE_STYLE } from './page-headers.ts';

/** One approval page: its status code and its HTML. Every value from outside is escaped here. */
export interface ApprovalPage {
  statusCode: number;
  html: string;
}

function page(statusCode: number, title: string, body: string): ApprovalPage {
  const html = [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)} – Certwright</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(title)}</h1>`,
    body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { statusCode, html };
}

/** `2026-03-04T09:30:00.000Z` → `2026-03-04 09:30 UTC`; anything unparsable is shown as given. */
function utc(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function details(request: ApprovalRequest): string {
  const rows: Array<[string, string]> = [
    ['Domain name', request.domainName],
    ['Validation domain', request.validationDomain],
    ['Certificate ARN', request.certificateArn],
    ['Account ID', request.accountId],
    ['Region', request.region],
    ['Link expires', utc(request.expiresAt)],
  ];
  const cells = rows.map(
    ([name, value]) => `<tr><th scope="row">${name}</th><td>${escapeHtml(value)}</td></tr>`,
  );
  return `<table>\n${cells.join('\n')}\n</table>`;
}

/**
 * GET: what would be approved, and the button. The form posts to the token as a relative URL, which
 * resolves to this very page under any prefix (API Gateway's `/v1/` stage, or none locally).
 */
export function requestPage(token: string, request: ApprovalRequest): ApprovalPage {
  return page(
    200,
    'Approve a certificate request',
    [
      `<p>A certificate was requested for <strong>${escapeHtml(request.domainName)}</strong>. ` +
        `This mail went to the administrative addresses of <strong>${escapeHtml(request.validationDomain)}</strong>. ` +
        'Approve only if you expected this request.</p>',
      details(request),
      `<form method="post" action="${escapeHtml(token)}">`,
      '<button type="submit">Approve</button>',
      '</form>',
      '<p class="note">Nothing has been approved yet: opening this page changes nothing.</p>',
    ].join('\n'),
  );
}

/** POST, approved. */
export function approvedPage(request: ApprovalRequest): ApprovalPage {
  return page(
    200,
    'Approved',
    [
      `<p>You approved the certificate request for <strong>${escapeHtml(request.domainName)}</strong>. ` +
        'The certificate is issued once every domain name on it is validated.</p>',
      details(request),
      '<p class="note">This link cannot be used again.</p>',
    ].join('\n'),
  );
}

const PROBLEMS: Record<ApprovalProblem, { statusCode: number; title: string; text: string }> = {
  UNKNOWN: {
    statusCode: 404,
    title: 'Unknown approval link',
    text:
      'This link does not lead to any approval. It may be mistyped or cut short: open the link from the ' +
      'mail again, in full. Nothing was approved.',
  },
  USED: {
    statusCode: 410,
    title: 'Approval link already used',
    text:
      'This link has been used already, or a newer mail has replaced it. Nothing more was approved. If ' +
      'the request still needs approval, use the link in the most recent mail.',
  },
  EXPIRED: {
    statusCode: 410,
    title: 'Approval link expired',
    text:
      'This link has expired: the request is past its validation deadline or no longer waits for ' +
      'approval. Nothing was approved.',
  },
};

/** A link that cannot be used, and why. */
export function problemPage(problem: ApprovalProblem): ApprovalPage {
  const { statusCode, title, text } = PROBLEMS[problem];
  return page(statusCode, title, `<p>${text}</p>`);
}

/** A POST sent from another site's page: refused before anything is looked up. */
export function crossSitePage(): ApprovalPage {
  return page(
    403,
    'Approval refused',
    '<p>This approval was sent from another site. Open the link from the mail and press Approve on that ' +
      'page. Nothing was approved.</p>',
  );
}

export function methodNotAllowedPage(): ApprovalPage {
  return page(405, 'Method not allowed', '<p>Open the link from the mail in a browser.</p>');
}

export function failurePage(): ApprovalPage {
  return page(
    500,
    'Something went wrong',
    '<p>The approval could not be processed. Try the link again in a few minutes.</p>',
  );
}
