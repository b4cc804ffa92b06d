/**
 * Reading MIME messages back, strictly: headers unfolded and RFC 2047-decoded, multipart/alternative parts
 * with their quoted-printable or base64 bodies decoded as UTF-8. Malformed input fails the test.
 */
import { expect } from 'vitest';

/** Headers (names lowercase, unfolded) and body of a MIME entity. */
export function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  expect(end).toBeGreaterThan(0);
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, end)
    .replace(/\r\n(?=[ \t])/g, '')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    expect(colon).toBeGreaterThan(0);
    const name = line.slice(0, colon).toLowerCase();
    expect(headers.has(name)).toBe(false);
    headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body: raw.slice(end + 4) };
}

/** The parts of a multipart body, each with its Content-Type and its decoded UTF-8 text. */
export function mimeParts(contentType: string, body: string): Array<{ contentType: string; text: string }> {
  const boundary = /^multipart\/alternative;\s*boundary="?([^";]+)"?$/.exec(contentType)?.[1];
  expect(boundary, `a multipart/alternative Content-Type, not ${contentType}`).toBeDefined();
  const sections = `\r\n${body}`.split(`\r\n--${boundary}`);
  expect(sections[0]).toBe('');
  expect(sections.at(-1)).toMatch(/^--\r\n$/);
  return sections.slice(1, -1).map((section) => {
    expect(section.startsWith('\r\n')).toBe(true);
    const { headers, body: encoded } = splitEntity(section.slice(2));
    const encoding = headers.get('content-transfer-encoding') ?? '7bit';
    return { contentType: headers.get('content-type') ?? '', text: decodeBody(encoded, encoding) };
  });
}

function decodeBody(encoded: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'quoted-printable':
      return quotedPrintableBytes(encoded.replace(/=\r\n/g, '')).toString('utf8');
    case 'base64':
      return Buffer.from(encoded.replace(/\r\n/g, ''), 'base64').toString('utf8');
    case '7bit':
    case '8bit':
      return encoded;
    default:
      throw new Error(`unexpected Content-Transfer-Encoding ${encoding}`);
  }
}

/** RFC 2047: each encoded word to its bytes; whitespace between two adjacent encoded words is dropped. */
export function decodeHeader(value: string): string {
  const binary = value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(
      /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
      (_word, charset: string, encoding: string, text: string) => {
        expect(charset.toLowerCase()).toBe('utf-8');
        const bytes =
          encoding.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : quotedPrintableBytes(text.replace(/_/g, ' '));
        return bytes.toString('latin1');
      },
    );
  // The words' bytes joined, then decoded once: a character may not be split across words, but this
  // does not depend on it. Everything outside the encoded words is ASCII, which latin1 keeps as is.
  return Buffer.from(binary, 'latin1').toString('utf8');
}

function quotedPrintableBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const hex = text.slice(index + 1, index + 3);
    if (text[index] === '=' && /^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      const code = text.charCodeAt(index);
      expect(code).toBeLessThan(0x80);
      bytes.push(code);
    }
  }
  return Buffer.from(bytes);
}

/** A received message's subject, To and text and HTML parts (line ends as received, CRLF). */
export function readMail(raw: string): { subject: string; to: string; text: string; html: string } {
  const { headers, body } = splitEntity(raw);
  const parts = mimeParts(headers.get('content-type') ?? '', body);
  const part = (type: string) =>
    parts.find((candidate) => candidate.contentType.startsWith(type))?.text ?? '';
  return {
    subject: decodeHeader(headers.get('subject') ?? ''),
    to: decodeHeader(headers.get('to') ?? ''),
    text: part('text/plain'),
    html: part('text/html'),
  };
}
