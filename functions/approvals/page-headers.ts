import { createHash } from 'node:crypto';

/** The pages' one stylesheet, inline: the Content-Security-Policy allows exactly this text by its hash. */
export const PAGE_STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}',
  'h1{font-size:1.4rem}',
  'table{border-collapse:collapse;margin:1rem 0}',
  'th,td{text-align:left;vertical-align:top;padding:.3rem .8rem .3rem 0}',
  'td{font-family:ui-monospace,monospace;word-break:break-all}',
  'button{font-size:1rem;padding:.5rem 1.4rem;cursor:pointer}',
  '.note{color:#555;font-size:.9rem}',
].join('');

const STYLE_HASH = createHash('sha256').update(PAGE_STYLE).digest('base64');

/**
 * Headers of every approval page. The token is in the URL, so nothing may cache the page or carry the URL
 * elsewhere (no-store, no-referrer); the page loads nothing, may only post to itself and may not be framed.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    `style-src 'sha256-${STYLE_HASH}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};
