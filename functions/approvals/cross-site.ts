import type { APIGatewayProxyEvent } from 'aws-lambda';

function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry?.[1]?.trim();
}

/**
 * True when the browser says the request comes from another site's page: Sec-Fetch-Site `cross-site` or
 * `same-site` (a sibling subdomain is another site too), or an Origin whose host is not the Host served.
 * `Origin: null` is let through: under `Referrer-Policy: no-referrer` browsers send it for the page's own
 * form, and Sec-Fetch-Site still tells a foreign one apart.
 */
export function isCrossSite(event: APIGatewayProxyEvent): boolean {
  const fetchSite = header(event, 'sec-fetch-site')?.toLowerCase();
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return true;
  const origin = header(event, 'origin');
  if (origin === undefined || origin === '' || origin === 'null') return false;
  const host = header(event, 'host')?.toLowerCase();
  if (!URL.canParse(origin) || host === undefined) return true;
  return new URL(origin).host !== host;
}
