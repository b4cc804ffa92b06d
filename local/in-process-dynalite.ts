import { EventEmitter } from 'node:events';
import { type Server, STATUS_CODES } from 'node:http';
// Types only: @smithy/core is the SDK client's own dependency, and this is the interface its
// `requestHandler` option takes.
import type { HttpHandler } from '@smithy/core/protocols';

type HttpRequest = Parameters<HttpHandler['handle']>[0];
type HandlerOptions = NonNullable<Parameters<HttpHandler['handle']>[1]>;
type HandlerOutput = Awaited<ReturnType<HttpHandler['handle']>>;
type AbortSignalLike = NonNullable<HandlerOptions['abortSignal']>;

/**
 * The part of node:http's IncomingMessage that dynalite's request listener reads: method, url, headers,
 * and the body as 'data' and 'end' events.
 */
class InProcessRequest extends EventEmitter {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string>,
  ) {
    super();
  }
}

/** The part of node:http's ServerResponse that dynalite's request listener writes. */
class InProcessResponse {
  statusCode = 200;
  /** dynalite keeps the request's content type here between its checks and its answer. */
  contentType?: string;
  readonly headers: Record<string, string> = {};

  constructor(private readonly onEnd: (response: InProcessResponse, body: Buffer) => void) {}

  setHeader(name: string, value: string | number): void {
    this.headers[name.toLowerCase()] = String(value);
  }

  end(body?: string | Buffer): void {
    this.onEnd(this, typeof body === 'string' ? Buffer.from(body) : (body ?? Buffer.alloc(0)));
  }
}

/**
 * An SDK request handler that hands each signed request to the 'request' listener of dynalite's server in
 * this process, skipping the loopback connection and both HTTP parsers. The server may listen as well, for
 * clients in other processes: both paths reach the same listener, so answers, errors and limits are the same.
 *
 * What differs from a socket: an exception that dynalite's listener throws while reading the request rejects
 * the call (over HTTP it would be thrown on the server's side, out of any caller's reach); and the answer has
 * no Date header, which the SDK only reads to correct clock skew, and there is none within one process.
 */
export function inProcessDynaliteHandler(server: Server): HttpHandler {
  return {
    handle(request, options) {
      return new Promise<HandlerOutput>((resolve, reject) => {
        const signal = options?.abortSignal;
        if (signal?.aborted) {
          reject(abortError());
          return;
        }
        const stopWatching = signal ? watchAbort(signal, () => reject(abortError())) : () => {};
        const response = new InProcessResponse((answered, body) => {
          stopWatching();
          resolve({
            response: {
              statusCode: answered.statusCode,
              reason: STATUS_CODES[answered.statusCode],
              headers: answered.headers,
              // The SDK's protocols read a byte body as it is; a stream would first be collected into one.
              body,
            },
          });
        });
        try {
          const { message, body } = toInProcessRequest(request);
          server.emit('request', message, response);
          if (body.length > 0) message.emit('data', body);
          message.emit('end');
        } catch (error) {
          stopWatching();
          reject(error);
        }
      });
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
  };
}

function toInProcessRequest(request: HttpRequest): { message: InProcessRequest; body: Buffer } {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const body = requestBody(request.body);
  return { message: new InProcessRequest(request.method, requestUrl(request), headers), body };
}

function requestUrl(request: HttpRequest): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const each of Array.isArray(value) ? value : [value ?? '']) query.append(name, each);
  }
  const search = query.toString();
  return search ? `${request.path}?${search}` : request.path;
}

/** The SDK's JSON protocols serialise the body to a string; bytes are accepted too. */
function requestBody(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('The in-process DynamoDB handler takes a string or byte body, not a stream');
}

/** The same error as the SDK's Node HTTP handler gives for an aborted request. */
function abortError(): Error {
  const error = new Error('Request aborted');
  error.name = 'AbortError';
  return error;
}

/** Smithy passes either a standard AbortSignal or its older interface, which only has `onabort`. */
function watchAbort(signal: AbortSignalLike, onAbort: () => void): () => void {
  if ('addEventListener' in signal && typeof signal.addEventListener === 'function') {
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }
  signal.onabort = onAbort;
  return () => {
    signal.onabort = null;
  };
}
