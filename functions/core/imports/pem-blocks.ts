/** One `-----BEGIN <label>-----` ... `-----END <label>-----` block of a PEM text. */
export interface PemBlock {
  label: string;
  /** RFC 1421 headers before the base64 body (`Proc-Type: 4,ENCRYPTED` marks an encrypted legacy key). */
  headers: Record<string, string>;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const HEADER_LINE = /^([A-Za-z0-9-]+):\s*(.*)$/;

/**
 * The PEM blocks of `bytes`, in order; text between blocks is ignored, as openssl writes some (`Bag
 * Attributes`, a subject line). Answers undefined when a block's body is not base64, so callers can refuse
 * the field with their own message.
 */
export function readPemBlocks(bytes: Uint8Array): PemBlock[] | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  const blocks: PemBlock[] = [];
  for (const [, label, body] of text.matchAll(BLOCK)) {
    const block = readBody(label as string, body as string);
    if (!block) return undefined;
    blocks.push(block);
  }
  return blocks;
}

function readBody(label: string, body: string): PemBlock | undefined {
  const headers: Record<string, string> = {};
  const lines = body.split(/\r?\n/).map((line) => line.trim());
  let base64 = '';
  for (const line of lines) {
    const header = HEADER_LINE.exec(line);
    if (header && base64 === '') headers[(header[1] as string).toLowerCase()] = header[2] as string;
    else if (BASE64_LINE.test(line)) base64 += line;
    else return undefined;
  }
  if (base64.length === 0 || base64.length % 4 !== 0 || /=[^=]/.test(base64)) return undefined;
  return { label, headers, der: new Uint8Array(Buffer.from(base64, 'base64')) };
}

/** DER as PEM: 64-character base64 lines and a final newline, as openssl and ACM write it. */
export function toPem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
