import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApprovalDesk } from '../core/approvals/approval-desk.ts';
import {
  type ApprovalPage,
  approvedPage,
  crossSitePage,
  failurePage,
  methodNotAllowedPage,
  problemPage,
  requestPage,
} from './approval-pages.ts';
import { approvalToken } from './approval-token.ts';
import { isCrossSite } from './cross-site.ts';
import { PAGE_HEADERS } from './page-headers.ts';

const ALLOWED_METHODS = 'GET, HEAD, POST';

function respond(page: ApprovalPage, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: page.statusCode, headers: { ...PAGE_HEADERS, ...headers }, body: page.html };
}

/**
 * The approval site, `/approvals/{token}`: GET (and HEAD) shows what the token would approve and changes
 * nothing, so mail scanners that follow links approve nothing; only a POST from the page itself approves.
 */
export function createApprovalHandler(desk: ApprovalDesk) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .handler(async (event) => {
      const method = event.httpMethod?.toUpperCase();
      if (method !== 'GET' && method !== 'HEAD' && method !== 'POST')
        return respond(methodNotAllowedPage(), { allow: ALLOWED_METHODS });
      if (method === 'POST' && isCrossSite(event)) return respond(crossSitePage());
      const token = approvalToken(event);
      if (token === undefined) return respond(problemPage('UNKNOWN'));
      if (method === 'POST') {
        const approval = await desk.approve(token);
        return respond(approval.ok ? approvedPage(approval.request) : problemPage(approval.problem));
      }
      const lookup = await desk.describe(token);
      return respond(lookup.ok ? requestPage(token, lookup.request) : problemPage(lookup.problem));
    })
    .onError(async (request) => {
      console.error(
        JSON.stringify({
          level: 'error',
          message: 'Approval page failed',
          error: String(request.error?.stack),
        }),
      );
      request.response = respond(failurePage());
    });
}
