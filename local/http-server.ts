import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { errorResponse } from '../functions/api/acm-errors.ts';
import { acmProxyEvent } from '../functions/api/proxy-event.ts';
import { approvalProxyEvent } from '../functions/approvals/proxy-event.ts';
import { AuthError, verifySigV4 } from './auth/sigv4-verifier.ts';

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_DRAINED_BYTES = 8 * MAX_BODY_BYTES;
/** The approval site's pages: `/approvals/<token>`, served without SigV4 (approvers hold no AWS keys). */
const APPROVAL_PATH = /^\/approvals\/([^/]*)$/;

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalHttpServerOptions {
  apiHandler: ProxyHandler;
  /** The approval site's handler, for every method on `/approvals/<token>`. */
  approvalHandler: ProxyHandler;
  authenticate: Omit<Parameters<typeof verifySigV4>[1], 'now'>;
  now: () => Date;
  /** Static documents served on GET (the CA certificate for trust stores). */
  documents: Record<string, { contentType: string; body: () => Buffer | string }>;
}

/**
 * The local stand-in for API Gateway: checks the SigV4 signature as API Gateway's IAM authorizer would,
 * hands the ACM API handler the same event shape, serves the approval site and the CA certificate.
 */
export function createLocalRequestListener(options: LocalHttpServerOptions) {
  return (request: IncomingMessage, response: ServerResponse) => {
    handle(options, request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'error', message: 'HTTP handler failed', error: String(error) }));
      if (!response.headersSent)
        send(response, errorResponse('InternalServerException', 'Internal error.', 500, randomUUID()));
    });
  };
}

async function handle(options: LocalHttpServerOptions, request: IncomingMessage, response: ServerResponse) {
  const requestId = randomUUID();
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const approval = APPROVAL_PATH.exec(path);
  if (approval)
    return serveApproval(options, request, response, { path, token: approval[1] ?? '', requestId });
  if (request.method === 'GET' || request.method === 'HEAD') {
    const document = options.documents[path];
    if (!document)
      return send(response, {
        statusCode: 404,
        headers: { 'content-type': 'text/plain' },
        body: 'Not found\n',
      });
    response.writeHead(200, { 'content-type': document.contentType, 'cache-control': 'no-cache' });
    return void response.end(request.method === 'HEAD' ? undefined : document.body());
  }
  if (request.method !== 'POST' || path !== '/') {
    return send(
      response,
      errorResponse('UnknownOperationException', 'Only POST / is served.', 404, requestId),
    );
  }
  const body = await readBody(request);
  if (!body)
    return send(response, errorResponse('SerializationException', 'Request body too large.', 413, requestId));

  let identity: { accountId: string; accessKeyId: string };
  try {
    identity = await verifySigV4(
      { method: request.method, path: request.url ?? '/', headers: request.headers, body },
      { ...options.authenticate, now: options.now() },
    );
  } catch (error) {
    if (error instanceof AuthError)
      return send(response, errorResponse(error.code, error.message, error.status, requestId));
    throw error;
  }
  const event = acmProxyEvent({
    headers: flattenHeaders(request.headers),
    body: body.toString('utf8'),
    requestId,
    accountId: identity.accountId,
    accessKey: identity.accessKeyId,
  });
  const context = { awsRequestId: requestId } as Context;
  send(response, await options.apiHandler(event, context));
}

async function serveApproval(
  options: LocalHttpServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
  target: { path: string; token: string; requestId: string },
) {
  // The form's body carries nothing the site reads; it is read only to keep the connection usable.
  if (!(await readBody(request)))
    return send(response, {
      statusCode: 413,
      headers: { 'content-type': 'text/plain' },
      body: 'Too large\n',
    });
  const event = approvalProxyEvent({
    method: request.method ?? 'GET',
    ...target,
    headers: flattenHeaders(request.headers),
  });
  send(response, await options.approvalHandler(event, { awsRequestId: target.requestId } as Context));
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]),
  );
}

/**
 * The body, or undefined when it is over MAX_BODY_BYTES. The rest of a body over the limit is read and
 * dropped, so the client gets its 413 on a connection it can still read (a socket closed while the client
 * is sending is a reset, not an answer); past MAX_DRAINED_BYTES the connection is dropped instead.
 */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_DRAINED_BYTES) return undefined;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks);
}

function send(response: ServerResponse, result: APIGatewayProxyResult) {
  response.writeHead(result.statusCode, result.headers as Record<string, string>);
  response.end(result.body);
}
