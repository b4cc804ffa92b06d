import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApprovalHandler } from '../../../functions/approvals/approval-handler.ts';
import type {
  ApprovalDesk,
  ApprovalLookup,
  ApprovalProblem,
  ApprovalRequest,
} from '../../../functions/core/approvals/approval-desk.ts';

const TOKEN = 'CzBVep_E6Q4zWH2ix-wRNluApcrvFDleg6jN8hc8YYY';
const HOST = 'abc123.execute-api.us-east-1.amazonaws.com';
const REQUEST: ApprovalRequest = {
  domainName: 'www.example.com',
  validationDomain: 'example.com',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f2c9d3e-1111-4222-8333-944445555666',
  accountId: '123456789012',
  region: 'us-east-1',
  expiresAt: '2026-03-04T09:30:00.000Z',
};

/** A desk that answers from a table of tokens and records every call. */
class FakeDesk implements ApprovalDesk {
  readonly calls: Array<['describe' | 'approve', string]> = [];

  constructor(private readonly answers: Record<string, ApprovalLookup> = {}) {}

  async describe(token: string): Promise<ApprovalLookup> {
    this.calls.push(['describe', token]);
    return this.answers[token] ?? { ok: false, problem: 'UNKNOWN' };
  }

  async approve(token: string): Promise<ApprovalLookup> {
    this.calls.push(['approve', token]);
    return this.answers[token] ?? { ok: false, problem: 'UNKNOWN' };
  }
}

function event(
  method: string,
  options: { token?: string; path?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEvent {
  const token = options.token ?? TOKEN;
  return {
    httpMethod: method,
    path: options.path ?? `/approvals/${token}`,
    resource: '/approvals/{token}',
    pathParameters: options.path === undefined ? { token } : null,
    headers: { Host: HOST, ...options.headers },
    body: method === 'POST' ? '' : null,
    isBase64Encoded: false,
    requestContext: { requestId: 'request-1' },
  } as unknown as APIGatewayProxyEvent;
}

/** A POST as a browser sends it from the page's own form under `Referrer-Policy: no-referrer`. */
const SAME_ORIGIN_POST = { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' };

async function call(desk: ApprovalDesk, request: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return createApprovalHandler(desk)(request, { awsRequestId: 'request-1' } as Context);
}

function pending(): FakeDesk {
  return new FakeDesk({ [TOKEN]: { ok: true, request: REQUEST } });
}

function failing(problem: ApprovalProblem): FakeDesk {
  return new FakeDesk({ [TOKEN]: { ok: false, problem } });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('GET /approvals/{token}', () => {
  it('shows what would be approved, with an Approve button posting to the page itself, and approves nothing', async () => {
    const desk = pending();

    const response = await call(desk, event('GET'));

    expect(response.statusCode).toBe(200);
    expect(desk.calls).toEqual([['describe', TOKEN]]);
    for (const value of [
      REQUEST.domainName,
      REQUEST.validationDomain,
      REQUEST.certificateArn,
      REQUEST.accountId,
      REQUEST.region,
      '2026-03-04 09:30 UTC',
    ]) {
      expect(response.body).toContain(`<td>${value}</td>`);
    }
    expect(response.body).toContain(`<form method="post" action="${TOKEN}">`);
    expect(response.body).toContain('<button type="submit">Approve</button>');
  });

  it('works behind a stage prefix, reading the token from the path when there is no path parameter', async () => {
    const desk = pending();

    const response = await call(desk, event('GET', { path: `/v1/approvals/${TOKEN}` }));

    expect(response.statusCode).toBe(200);
    expect(desk.calls).toEqual([['describe', TOKEN]]);
  });

  it('answers HEAD as GET, without approving', async () => {
    const desk = pending();

    expect((await call(desk, event('HEAD'))).statusCode).toBe(200);
    expect(desk.calls).toEqual([['describe', TOKEN]]);
  });
});

describe('POST /approvals/{token}', () => {
  it('approves once and answers a confirmation page', async () => {
    const desk = pending();

    const response = await call(desk, event('POST', { headers: SAME_ORIGIN_POST }));

    expect(response.statusCode).toBe(200);
    expect(desk.calls).toEqual([['approve', TOKEN]]);
    expect(response.body).toContain('<h1>Approved</h1>');
    expect(response.body).toContain(`<strong>${REQUEST.domainName}</strong>`);
    expect(response.body).not.toContain('<form');
  });

  it('approves a POST whose Origin is the host it was sent to, and one from a browser sending neither header', async () => {
    const cases: Array<Record<string, string>> = [
      { Origin: `https://${HOST}`, 'Sec-Fetch-Site': 'same-origin' },
      {},
    ];
    for (const headers of cases) {
      const desk = pending();
      expect((await call(desk, event('POST', { headers }))).statusCode).toBe(200);
      expect(desk.calls).toEqual([['approve', TOKEN]]);
    }
  });

  it.each([
    ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: 'null' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
    ['an Origin of another host', { Origin: 'https://attacker.example' }],
    ['an Origin on another port', { Origin: `https://${HOST}:8443` }],
    ['an unparsable Origin', { Origin: 'not an origin' }],
  ])('refuses a POST with %s (403) and approves nothing', async (_name, headers) => {
    const desk = pending();

    const response = await call(desk, event('POST', { headers }));

    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Approval refused');
    expect(desk.calls).toEqual([]);
  });
});

describe('links that cannot be used', () => {
  it.each([
    ['UNKNOWN', 404, 'Unknown approval link'],
    ['USED', 410, 'Approval link already used'],
    ['EXPIRED', 410, 'Approval link expired'],
  ] as const)('%s answers %i with a page saying so, on GET and on POST', async (problem, status, title) => {
    for (const method of ['GET', 'POST']) {
      const desk = failing(problem);

      const response = await call(desk, event(method, { headers: SAME_ORIGIN_POST }));

      expect(response.statusCode).toBe(status);
      expect(response.body).toContain(`<h1>${title}</h1>`);
      expect(response.body).toContain('Nothing');
      expect(response.body).not.toContain('<form');
      expect(desk.calls).toEqual([[method === 'GET' ? 'describe' : 'approve', TOKEN]]);
    }
  });

  it.each([
    ['one character short', TOKEN.slice(1)],
    ['one character long', `${TOKEN}A`],
    ['padded base64', `${TOKEN.slice(1)}=`],
    ['markup', '<script>alert(1)</script>'],
    ['encoded markup', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['a dot segment', '..'],
    ['empty', ''],
  ])('answers a token of the wrong shape (%s) as unknown without asking the desk', async (_name, token) => {
    for (const method of ['GET', 'POST']) {
      const desk = pending();

      const response = await call(desk, event(method, { token, headers: SAME_ORIGIN_POST }));

      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('Unknown approval link');
      expect(desk.calls).toEqual([]);
      if (token !== '') expect(response.body).not.toContain(token);
    }
  });
});

describe('escaping', () => {
  it('escapes every value the desk returns, so a hostile domain name stays text', async () => {
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>.example.com\'&';
    const desk = new FakeDesk({
      [TOKEN]: {
        ok: true,
        request: { ...REQUEST, domainName: hostile, validationDomain: `"><b>${hostile}`, region: '<i>' },
      },
    });

    for (const method of ['GET', 'POST']) {
      const response = await call(desk, event(method, { headers: SAME_ORIGIN_POST }));

      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('<script');
      expect(response.body).not.toContain('<img');
      expect(response.body).not.toContain('<b>');
      expect(response.body).not.toContain('<i>');
      expect(response.body).toContain(
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;.example.com&#39;&amp;',
      );
    }
  });
});

describe('other methods', () => {
  it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'])(
    '%s answers 405 with Allow and touches nothing',
    async (method) => {
      const desk = pending();

      const response = await call(desk, event(method));

      expect(response.statusCode).toBe(405);
      expect(response.headers?.allow).toBe('GET, HEAD, POST');
      expect(desk.calls).toEqual([]);
    },
  );
});

describe('failures', () => {
  it('answers 500 with a plain page and no internals when the desk fails', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const desk: ApprovalDesk = {
      describe: async () => {
        throw new Error('table certwright-secret-table unreachable');
      },
      approve: async () => {
        throw new Error('unreachable');
      },
    };

    const response = await call(desk, event('GET'));

    expect(response.statusCode).toBe(500);
    expect(response.body).toContain('Something went wrong');
    expect(response.body).not.toContain('certwright-secret-table');
    expect(response.headers?.['cache-control']).toBe('no-store');
  });
});

describe('protections on every page', () => {
  const cases: Array<[string, () => Promise<APIGatewayProxyResult>]> = [
    ['the request page', () => call(pending(), event('GET'))],
    ['the confirmation', () => call(pending(), event('POST', { headers: SAME_ORIGIN_POST }))],
    ['an unknown link', () => call(failing('UNKNOWN'), event('GET'))],
    ['a used link', () => call(failing('USED'), event('POST'))],
    ['an expired link', () => call(failing('EXPIRED'), event('GET'))],
    [
      'a cross-site POST',
      () => call(pending(), event('POST', { headers: { 'Sec-Fetch-Site': 'cross-site' } })),
    ],
    ['a wrong method', () => call(pending(), event('DELETE'))],
  ];

  it.each(cases)(
    '%s: no caching, no referrer, no framing, no sniffing, a strict CSP',
    async (_name, respond) => {
      const response = await respond();
      const headers = response.headers ?? {};

      expect(headers).toMatchObject({
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      });
      const csp = String(headers['content-security-policy']);
      const directives = new Map(
        csp.split(';').map((directive) => {
          const [name = '', ...values] = directive.trim().split(/\s+/);
          return [name, values.join(' ')];
        }),
      );
      expect(directives.get('default-src')).toBe("'none'");
      expect(directives.get('form-action')).toBe("'self'");
      expect(directives.get('frame-ancestors')).toBe("'none'");
      expect(directives.get('base-uri')).toBe("'none'");
      // The one inline stylesheet is allowed by its hash, and nothing else is.
      const style = /<style>([^<]*)<\/style>/.exec(response.body)?.[1] ?? '';
      const hash = createHash('sha256').update(style).digest('base64');
      expect(directives.get('style-src')).toBe(`'sha256-${hash}'`);
      expect(response.body).not.toMatch(/<script|style="/);
    },
  );
});
