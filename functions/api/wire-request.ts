import type { APIGatewayProxyEvent } from 'aws-lambda';
import { ACM_CONTENT_TYPE, WireError } from './acm-errors.ts';

/** The media types AWS's JSON protocols read; parameters such as `charset` aside. */
const JSON_MEDIA_TYPES = ['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json'];

/** A request header, whatever the case of its name. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1];
}

/**
 * A body labelled as anything but JSON is refused as AWS's JSON front ends refuse it: 404
 * UnknownOperationException, before the target is looked at. A request naming no media type is read as JSON.
 */
export function checkContentType(event: APIGatewayProxyEvent): void {
  const mediaType = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === '' || JSON_MEDIA_TYPES.includes(mediaType)) return;
  throw new WireError(
    'UnknownOperationException',
    `Unsupported content type; send ${ACM_CONTENT_TYPE}.`,
    404,
  );
}
