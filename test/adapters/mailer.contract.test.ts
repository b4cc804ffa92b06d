/**
 * The Mailer contract, run against the three adapters: SesMailer over a fake SES v2, OutboxMailer writing
 * .eml files, and SmtpMailer sending to a real SMTP server on 127.0.0.1; the files and the received
 * messages are parsed back (headers, RFC 2047 encoded words, MIME parts, quoted-printable and base64
 * bodies). Then each adapter's own behaviour: the exact SES request and SES's refusals; the outbox's files,
 * names, modes and bytes; the SMTP envelope, sessions, authentication, TLS and the server's refusals.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetAccountCommand, MessageRejected, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../functions/adapters/aws/ses-mailer.ts';
import { OutboxMailer } from '../../functions/adapters/local/outbox-mailer.ts';
import { parseSmtpUrl, SmtpMailer } from '../../functions/adapters/local/smtp-mailer.ts';
import { MAX_MAIL_RECIPIENTS } from '../../functions/core/mail-recipients.ts';
import type { Clock, Mailer, MailMessage, Random } from '../../functions/core/ports.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { decodeHeader, mimeParts, splitEntity } from '../support/mime-message.ts';
import { newP256KeyArgs } from '../support/openssl-key-args.ts';
import { runCommand } from '../support/run-command.ts';
import { type SmtpSink, type SmtpSinkOptions, startSmtpSink } from '../support/smtp-sink.ts';
import { FAKE_SES_ACCOUNT, FAKE_SES_REGION, FakeSes } from './aws/fake-ses.ts';

const FROM = 'Certwright <no-reply@example.com>';

const MESSAGE: MailMessage = {
  to: ['ops@example.org', 'security@example.net', 'Jane Doe <jane@example.com>'],
  subject: 'Zertifikat für bücher.example: Genehmigung erforderlich',
  text:
    'Guten Tag,\n\n' +
    'für bücher.example und www.bücher.example wurde ein Zertifikat beantragt (Schlüssel: RSA-2048, ' +
    'Gültigkeit 395 Tage, Antrag=arn:aws:acm:us-east-1:123456789012:certificate/0f2c).\n' +
    'Genehmigen: https://approve.example/a?token=abc&x=1\n\n' +
    '-- \nCertwright',
  html:
    '<!doctype html><html><body><p>Guten Tag,</p>\n' +
    '<p>für <b>bücher.example</b> wurde ein Zertifikat beantragt.</p>\n' +
    '<p><a href="https://approve.example/a?token=abc&amp;x=1">Genehmigen</a> – danke!</p></body></html>',
};

/** Text that is almost all outside ASCII, in a different script. */
const GREEK_MESSAGE: MailMessage = {
  to: ['ops@example.org'],
  subject: 'Πιστοποιητικό για βιβλία.example',
  text: 'Ζητήθηκε πιστοποιητικό για το βιβλία.example.\nΠαρακαλούμε εγκρίνετε το αίτημα.',
  html: '<p>Ζητήθηκε πιστοποιητικό για το <b>βιβλία.example</b>.</p>',
};

/** A message as it reached the recipients' side: SES's request, or the .eml read back. */
interface DeliveredMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

interface Harness {
  mailer: Mailer;
  delivered(): Promise<DeliveredMail[]>;
}

const temporaryDirectories: string[] = [];
const smtpSinks: SmtpSink[] = [];

afterEach(async () => {
  await Promise.all(temporaryDirectories.splice(0).map((path) => rm(path, { recursive: true, force: true })));
  await Promise.all(smtpSinks.splice(0).map((sink) => sink.close()));
});

async function smtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const sink = await startSmtpSink(options);
  smtpSinks.push(sink);
  return sink;
}

async function temporaryDirectory(): Promise<string> {
  const path = await mkdtemp(join(tmpdir(), 'certwright-mailer-'));
  temporaryDirectories.push(path);
  return path;
}

/** A clock that moves one second each time it is read, so messages sent one after another sort in order. */
function tickingClock(start = new Date('2026-03-01T09:30:00.000Z')): Clock {
  let reads = 0;
  return { now: () => new Date(start.getTime() + 1000 * reads++) };
}

/** Deterministic randomness in which every draw differs from the previous ones. */
class CountingRandom implements Random {
  private draws = 0;

  bytes(length: number): Uint8Array {
    this.draws += 1;
    return Uint8Array.from({ length }, (_, index) => (this.draws * 31 + index * 7) & 0xff);
  }

  uuid(): string {
    this.draws += 1;
    return `00000000-0000-4000-8000-${this.draws.toString(16).padStart(12, '0')}`;
  }
}

const adapters: Array<{ name: string; start(): Promise<Harness> }> = [
  {
    name: 'SesMailer',
    async start() {
      const ses = new FakeSes();
      ses.verifyIdentity('example.com');
      return {
        mailer: new SesMailer(ses.client, { from: FROM }),
        delivered: async () => ses.messages.map(({ messageId, input }) => sesDelivery(messageId, input)),
      };
    },
  },
  {
    name: 'OutboxMailer',
    async start() {
      const directory = join(await temporaryDirectory(), 'outbox');
      return {
        mailer: new OutboxMailer({
          directory,
          from: FROM,
          clock: tickingClock(),
          random: new CountingRandom(),
        }),
        delivered: async () => {
          const names = (await readdir(directory).catch(() => [])).sort();
          return Promise.all(
            names.map(async (name) => emlDelivery(await readFile(join(directory, name), 'utf8'))),
          );
        },
      };
    },
  },
  {
    name: 'SmtpMailer',
    async start() {
      const sink = await smtpSink();
      return {
        mailer: new SmtpMailer({ url: sink.url, from: FROM }),
        delivered: async () => sink.messages.map((message) => emlDelivery(message.raw)),
      };
    },
  },
];

describe.each(adapters)('Mailer contract: $name', ({ start }) => {
  it('sends one message to several recipients with the subject, text and HTML intact', async () => {
    const { mailer, delivered } = await start();

    const result = await mailer.send(MESSAGE);

    expect(result.messageId).toMatch(/\S{8,}/);
    expect(await delivered()).toEqual([{ from: FROM, ...MESSAGE, messageId: result.messageId }]);
  });

  it('keeps text in another script intact, and gives each message its own id', async () => {
    const { mailer, delivered } = await start();

    const first = await mailer.send(GREEK_MESSAGE);
    const second = await mailer.send(MESSAGE);

    expect(first.messageId).not.toBe(second.messageId);
    expect(await delivered()).toEqual([
      { from: FROM, ...GREEK_MESSAGE, messageId: first.messageId },
      { from: FROM, ...MESSAGE, messageId: second.messageId },
    ]);
  });

  it('sends to 50 recipients and refuses 51 before sending anything', async () => {
    const { mailer, delivered } = await start();
    const recipients = Array.from({ length: 51 }, (_, index) => `r${index}@example.org`);

    await expect(mailer.send({ ...MESSAGE, to: recipients })).rejects.toMatchObject({
      name: 'InvalidRecipients',
      message: "a message may have at most 50 recipients (SES's limit), not 51",
    });
    expect(await delivered()).toEqual([]);

    const result = await mailer.send({ ...MESSAGE, to: recipients.slice(0, 50) });
    expect(await delivered()).toEqual([
      { from: FROM, ...MESSAGE, to: recipients.slice(0, 50), messageId: result.messageId },
    ]);
  });

  it('refuses an empty recipient list', async () => {
    const { mailer, delivered } = await start();

    const error = await mailer.send({ ...MESSAGE, to: [] }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'InvalidRecipients',
      message: 'a message needs at least one recipient',
    });
    expect(await delivered()).toEqual([]);
  });

  it('refuses a recipient that is blank or carries a line break (header injection)', async () => {
    const { mailer, delivered } = await start();

    for (const bad of ['  ', 'ops@example.org\r\nBcc: victim@example.net']) {
      await expect(mailer.send({ ...MESSAGE, to: ['ok@example.org', bad] })).rejects.toMatchObject({
        name: 'InvalidRecipients',
        message: `not a recipient address: ${JSON.stringify(bad)}`,
      });
    }
    expect(await delivered()).toEqual([]);
  });
});

describe('SesMailer', () => {
  const identityArn = `arn:aws:ses:${FAKE_SES_REGION}:${FAKE_SES_ACCOUNT}:identity/example.com`;

  function expectedInput(message: MailMessage) {
    return {
      FromEmailAddress: FROM,
      Destination: { ToAddresses: message.to },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: message.text, Charset: 'UTF-8' },
            Html: { Data: message.html, Charset: 'UTF-8' },
          },
        },
      },
    };
  }

  it('sends exactly one SendEmail with simple UTF-8 content and answers with its MessageId', async () => {
    const ses = new FakeSes();
    ses.verifyIdentity('example.com');

    const result = await new SesMailer(ses.client, { from: FROM }).send(MESSAGE);

    expect(ses.sendEmailCalls()).toStrictEqual([expectedInput(MESSAGE)]);
    expect(result).toEqual({ messageId: ses.messages[0]?.messageId });
    expect(result.messageId).toMatch(/^[0-9a-f]{16}-[0-9a-f-]{36}-000000$/);
  });

  it('names the configured identity for sending authorization', async () => {
    const ses = new FakeSes();
    expect(ses.verifyIdentity('example.com')).toBe(identityArn);

    await new SesMailer(ses.client, { from: FROM, identityArn }).send(MESSAGE);

    expect(ses.sendEmailCalls()).toStrictEqual([
      { ...expectedInput(MESSAGE), FromEmailAddressIdentityArn: identityArn },
    ]);
  });

  it("passes SES's MessageRejected for an unverified sender through unchanged", async () => {
    const ses = new FakeSes();
    ses.verifyIdentity('example.org');

    const error = await new SesMailer(ses.client, { from: FROM })
      .send(MESSAGE)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MessageRejected);
    expect(error).toMatchObject({
      name: 'MessageRejected',
      message:
        'Email address is not verified. The following identities failed the check in region US-EAST-1: ' +
        'no-reply@example.com',
      $metadata: { httpStatusCode: 400 },
    });
    expect(ses.sendEmailCalls()).toHaveLength(1);
    expect(ses.messages).toEqual([]);
  });

  it('passes through the refusal of an identity ARN that does not cover the sender', async () => {
    const ses = new FakeSes();
    ses.verifyIdentity('example.com');
    const otherArn = ses.verifyIdentity('example.org');

    await expect(
      new SesMailer(ses.client, { from: FROM, identityArn: otherArn }).send(MESSAGE),
    ).rejects.toBeInstanceOf(MessageRejected);
    expect(ses.messages).toEqual([]);
  });

  it('refuses more than 50 recipients or none without calling SES', async () => {
    const ses = new FakeSes();
    ses.verifyIdentity('example.com');
    const mailer = new SesMailer(ses.client, { from: FROM });
    const recipients = Array.from({ length: MAX_MAIL_RECIPIENTS + 1 }, (_, index) => `r${index}@example.org`);

    await expect(mailer.send({ ...MESSAGE, to: recipients })).rejects.toThrow('at most 50 recipients');
    await expect(mailer.send({ ...MESSAGE, to: [] })).rejects.toThrow('at least one recipient');
    expect(ses.mock.calls()).toHaveLength(0);
  });

  it('treats an answer without a MessageId as a failure', async () => {
    const ses = new FakeSes();
    ses.mock.on(SendEmailCommand).resolves({ $metadata: { httpStatusCode: 200 } });

    await expect(new SesMailer(ses.client, { from: FROM }).send(MESSAGE)).rejects.toThrow(
      'SES accepted the message but answered without a MessageId',
    );
  });

  it('refuses to be built without a sender', () => {
    expect(() => new SesMailer(new FakeSes().client, { from: ' ' })).toThrow(
      'the SES mailer needs a sender address',
    );
  });
});

describe('SmtpMailer', () => {
  it('sends each message in a session of its own, the envelope from the sender to the bare recipient addresses', async () => {
    const sink = await smtpSink();
    const mailer = new SmtpMailer({ url: sink.url, from: FROM });

    const first = await mailer.send(MESSAGE);
    const second = await mailer.send(GREEK_MESSAGE);

    const [one, two] = sink.messages;
    expect(sink.messages).toHaveLength(2);
    expect(one).toMatchObject({
      mailFrom: 'no-reply@example.com',
      rcptTo: ['ops@example.org', 'security@example.net', 'jane@example.com'],
      secure: false,
      user: undefined,
    });
    expect(two?.rcptTo).toEqual(['ops@example.org']);
    expect(one?.sessionId).not.toBe(two?.sessionId);
    expect(first.messageId).toMatch(/^<[^<>@\s]+@example\.com>$/);
    expect(emlDelivery(two?.raw ?? '').messageId).toBe(second.messageId);
  });

  it('authenticates with the user and password of the URL, percent-decoded', async () => {
    const sink = await smtpSink({ users: { 'mailer@example.com': 'p@ss:w/rd %' } });
    const url = (password: string) =>
      `smtp://${encodeURIComponent('mailer@example.com')}:${encodeURIComponent(password)}@127.0.0.1:${sink.port}`;

    await expect(new SmtpMailer({ url: url('wrong'), from: FROM }).send(MESSAGE)).rejects.toMatchObject({
      code: 'EAUTH',
    });
    expect(sink.messages).toEqual([]);

    await new SmtpMailer({ url: url('p@ss:w/rd %'), from: FROM }).send(MESSAGE);
    expect(sink.messages.map((message) => message.user)).toEqual(['mailer@example.com']);
  });

  it('speaks TLS from the start with smtps://, and refuses a server certificate it does not trust', async () => {
    const directory = await temporaryDirectory();
    const generated = await runCommand(
      'openssl',
      [
        'req',
        '-x509',
        ...newP256KeyArgs('key.pem'),
        '-out',
        'cert.pem',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: directory },
    );
    expect(generated.code, generated.stderr).toBe(0);
    const [key, cert] = await Promise.all(
      ['key.pem', 'cert.pem'].map((name) => readFile(join(directory, name), 'utf8')),
    );
    const sink = await smtpSink({ tls: { key: key ?? '', cert: cert ?? '' } });
    expect(sink.url).toMatch(/^smtps:\/\/127\.0\.0\.1:\d+$/);

    await expect(new SmtpMailer({ url: sink.url, from: FROM }).send(MESSAGE)).rejects.toThrow(
      /self[- ]signed certificate/,
    );
    expect(sink.messages).toEqual([]);

    const result = await new SmtpMailer({ url: sink.url, from: FROM, tls: { ca: cert } }).send(MESSAGE);
    expect(sink.messages.map((message) => message.secure)).toEqual([true]);
    expect(emlDelivery(sink.messages[0]?.raw ?? '')).toEqual({
      from: FROM,
      ...MESSAGE,
      messageId: result.messageId,
    });
  });

  it('delivers to the recipients the server accepts, and fails when it accepts none', async () => {
    const refused = new Set(['security@example.net', 'ops@example.org']);
    const sink = await smtpSink({ refuseRecipient: (address) => refused.has(address) });
    const mailer = new SmtpMailer({ url: sink.url, from: FROM });

    await mailer.send(MESSAGE);
    expect(sink.messages.map((message) => message.rcptTo)).toEqual([['jane@example.com']]);

    await expect(mailer.send(GREEK_MESSAGE)).rejects.toThrow(/550/);
    expect(sink.messages).toHaveLength(1);
  });

  it('fails when nothing listens at the URL', async () => {
    const sink = await smtpSink();
    const url = sink.url;
    await sink.close();

    await expect(new SmtpMailer({ url, from: FROM }).send(MESSAGE)).rejects.toMatchObject({
      code: 'ESOCKET',
    });
  });

  it('reads only the server and the credentials from the URL, with the usual ports', () => {
    expect(parseSmtpUrl('smtp://mail.example.com')).toEqual({
      host: 'mail.example.com',
      port: 25,
      secure: false,
    });
    expect(parseSmtpUrl('smtps://u%40x:p%3Aw@[::1]?pool=true&sendmail=true')).toEqual({
      host: '::1',
      port: 465,
      secure: true,
      auth: { user: 'u@x', pass: 'p:w' },
    });
    expect(new SmtpMailer({ url: 'smtp://user:secret@127.0.0.1:2525', from: FROM }).server).toEqual({
      host: '127.0.0.1',
      port: 2525,
      secure: false,
    });
  });

  it('refuses a URL that is not an SMTP server, and a sender that is not one address', () => {
    for (const url of ['http://127.0.0.1:2525', 'sendmail:', '127.0.0.1:2525', 'smtp://']) {
      expect(() => new SmtpMailer({ url, from: FROM })).toThrow(
        `not an SMTP server URL (smtp://host:port or smtps://host:port): ${JSON.stringify(url)}`,
      );
    }
    for (const from of ['Certwright', '', 'a@example.com, b@example.com']) {
      expect(() => new SmtpMailer({ url: 'smtp://127.0.0.1:2525', from })).toThrow(
        `the SMTP mailer needs one sender address, not ${JSON.stringify(from)}`,
      );
    }
  });
});

describe('FakeSes', () => {
  it('refuses more than 50 recipients itself, and in the sandbox every unverified recipient', async () => {
    const ses = new FakeSes({ sandbox: true });
    ses.verifyIdentity('example.com');
    ses.verifyIdentity('ops@example.org');
    const send = (to: string[]) =>
      ses.client.send(
        new SendEmailCommand({
          FromEmailAddress: FROM,
          Destination: { ToAddresses: to },
          Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } },
        }),
      );

    await expect(
      send(Array.from({ length: 51 }, (_, index) => `r${index}@example.com`)),
    ).rejects.toMatchObject({
      name: 'BadRequestException',
      message: 'Recipient count exceeds 50.',
    });
    await expect(send(['ops@example.org', 'Dev <dev@example.net>'])).rejects.toMatchObject({
      name: 'MessageRejected',
      message: expect.stringMatching(/failed the check in region US-EAST-1: dev@example\.net$/),
    });
    await send(['Ops <OPS@example.org>', 'success@simulator.amazonses.com', 'a@sub.example.com']);
    expect(ses.messages).toHaveLength(1);
  });

  it('fails loudly on any other command', async () => {
    const ses = new FakeSes();
    await expect(ses.client.send(new GetAccountCommand({}))).rejects.toThrow(
      'FakeSes implements only SendEmail',
    );
  });
});

describe('OutboxMailer', () => {
  const START = new Date('2026-03-01T09:30:00.000Z');

  function outbox(directory: string, options: { clock?: Clock; random?: Random } = {}) {
    return new OutboxMailer({
      directory,
      from: FROM,
      clock: options.clock ?? new FakeClock(START),
      random: options.random ?? new CountingRandom(),
    });
  }

  /** Randomness whose 8-byte draws (the file names) follow `fills`, the last one repeating. */
  function namingRandom(fills: number[]): Random {
    const counting = new CountingRandom();
    let names = 0;
    return {
      bytes: (length) => {
        if (length !== 8) return counting.bytes(length);
        const fill = fills[Math.min(names++, fills.length - 1)] ?? 0;
        return new Uint8Array(length).fill(fill);
      },
      uuid: () => counting.uuid(),
    };
  }

  it('creates a private outbox and writes each message as one 0600 .eml with no temporary file left', async () => {
    const directory = join(await temporaryDirectory(), 'data', 'outbox');

    await outbox(directory).send(MESSAGE);
    await outbox(directory).send(GREEK_MESSAGE);

    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    const names = await readdir(directory);
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(name).toMatch(/^20260301T093000\.000Z-[0-9a-f]{16}\.eml$/);
      expect((await stat(join(directory, name))).mode & 0o777).toBe(0o600);
    }
  });

  it('names files by UTC time, so a listing sorts in sending order', async () => {
    const directory = await temporaryDirectory();
    const clock = new FakeClock(START);
    const mailer = outbox(directory, { clock, random: namingRandom([0xcc, 0x11, 0xaa]) });

    for (const message of [MESSAGE, GREEK_MESSAGE, MESSAGE]) {
      await mailer.send(message);
      clock.advance(1500);
    }

    const names = (await readdir(directory)).sort();
    expect(names).toEqual([
      `20260301T093000.000Z-${'cc'.repeat(8)}.eml`,
      `20260301T093001.500Z-${'11'.repeat(8)}.eml`,
      `20260301T093003.000Z-${'aa'.repeat(8)}.eml`,
    ]);
    const subjects = await Promise.all(
      names.map(async (name) => emlDelivery(await readFile(join(directory, name), 'utf8')).subject),
    );
    expect(subjects).toEqual([MESSAGE.subject, GREEK_MESSAGE.subject, MESSAGE.subject]);
  });

  it('writes a well-formed RFC 5322 multipart/alternative message', async () => {
    const directory = await temporaryDirectory();

    const { messageId } = await outbox(directory).send(MESSAGE);

    const [name] = await readdir(directory);
    const raw = await readFile(join(directory, name ?? ''), 'utf8');
    expect(raw).not.toMatch(/[^\r]\n/);
    expect(raw.endsWith('\r\n')).toBe(true);
    for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    expect(raw).toMatch(/^[\x20-\x7e\r\n\t]*$/);

    const { headers, body } = splitEntity(raw);
    expect(messageId).toBe('<00000000-0000-4000-8000-000000000001@example.com>');
    expect(headers.get('message-id')).toBe(messageId);
    expect(headers.get('date')).toBe('Sun, 01 Mar 2026 09:30:00 +0000');
    expect(headers.get('mime-version')).toBe('1.0');
    expect(headers.get('from')).toBe(FROM);
    const parts = mimeParts(headers.get('content-type') ?? '', body);
    expect(parts.map((part) => part.contentType)).toEqual([
      'text/plain; charset=utf-8',
      'text/html; charset=utf-8',
    ]);
  });

  it('writes the same bytes under the same name for the same clock and randomness', async () => {
    const [first, second] = [await temporaryDirectory(), await temporaryDirectory()];

    await outbox(first).send(MESSAGE);
    await outbox(second).send(MESSAGE);

    const [firstNames, secondNames] = [await readdir(first), await readdir(second)];
    expect(firstNames).toEqual(secondNames);
    expect(await readFile(join(first, firstNames[0] ?? ''))).toEqual(
      await readFile(join(second, secondNames[0] ?? '')),
    );
  });

  it('never replaces a message whose name is taken: it draws another name', async () => {
    const directory = await temporaryDirectory();
    const mailer = outbox(directory, { random: namingRandom([0x11, 0x11, 0x22]) });

    const first = await mailer.send(MESSAGE);
    const second = await mailer.send(GREEK_MESSAGE);

    const names = (await readdir(directory)).sort();
    expect(names).toEqual([
      `20260301T093000.000Z-${'11'.repeat(8)}.eml`,
      `20260301T093000.000Z-${'22'.repeat(8)}.eml`,
    ]);
    const delivered = await Promise.all(
      names.map(async (name) => emlDelivery(await readFile(join(directory, name), 'utf8'))),
    );
    expect(delivered.map((mail) => [mail.messageId, mail.subject])).toEqual([
      [first.messageId, MESSAGE.subject],
      [second.messageId, GREEK_MESSAGE.subject],
    ]);
  });

  it('gives up after five taken names and leaves the existing file alone', async () => {
    const directory = await temporaryDirectory();
    const mailer = outbox(directory, { random: namingRandom([0x33]) });
    await mailer.send(MESSAGE);

    await expect(mailer.send(GREEK_MESSAGE)).rejects.toMatchObject({ code: 'EEXIST' });

    const names = await readdir(directory);
    expect(names).toEqual([`20260301T093000.000Z-${'33'.repeat(8)}.eml`]);
    expect(emlDelivery(await readFile(join(directory, names[0] ?? ''), 'utf8')).subject).toBe(
      MESSAGE.subject,
    );
  });

  it('refuses more than 50 recipients as SES does, without creating the outbox', async () => {
    const directory = join(await temporaryDirectory(), 'outbox');
    const recipients = Array.from({ length: MAX_MAIL_RECIPIENTS + 1 }, (_, index) => `r${index}@example.org`);

    await expect(outbox(directory).send({ ...MESSAGE, to: recipients })).rejects.toThrow(
      'at most 50 recipients',
    );
    await expect(stat(directory)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('needs exactly one sender address, and takes Message-ID domains from it in ASCII', async () => {
    const make = (from: string) =>
      new OutboxMailer({
        directory: tmpdir(),
        from,
        clock: new FakeClock(START),
        random: new CountingRandom(),
      });
    for (const from of ['Certwright', '', 'a@example.com, b@example.com']) {
      expect(() => make(from)).toThrow(
        `the outbox mailer needs one sender address, not ${JSON.stringify(from)}`,
      );
    }

    const directory = await temporaryDirectory();
    const mailer = new OutboxMailer({
      directory,
      from: 'Zertifikate <zertifikate@bücher.example>',
      clock: new FakeClock(START),
      random: new CountingRandom(),
    });
    const { messageId } = await mailer.send(MESSAGE);
    expect(messageId).toBe('<00000000-0000-4000-8000-000000000001@xn--bcher-kva.example>');
  });
});

/** The delivery a SendEmail request describes. */
function sesDelivery(messageId: string, input: ReturnType<FakeSes['sendEmailCalls']>[number]): DeliveredMail {
  const simple = input.Content?.Simple;
  for (const part of [simple?.Subject, simple?.Body?.Text, simple?.Body?.Html]) {
    expect(part?.Charset).toBe('UTF-8');
  }
  return {
    from: input.FromEmailAddress ?? '',
    to: input.Destination?.ToAddresses ?? [],
    subject: simple?.Subject?.Data ?? '',
    text: simple?.Body?.Text?.Data ?? '',
    html: simple?.Body?.Html?.Data ?? '',
    messageId,
  };
}

/**
 * The delivery an .eml describes. Text parts must be in canonical form (every line ends in CRLF, RFC 2046),
 * so the message's LFs were written as CRLF; they come back as LF.
 */
function emlDelivery(raw: string): DeliveredMail {
  const { headers, body } = splitEntity(raw);
  const parts = mimeParts(headers.get('content-type') ?? '', body);
  const part = (type: string) => {
    const text = parts.find((candidate) => candidate.contentType.startsWith(type))?.text ?? '';
    expect(text, 'text in canonical form, lines ending in CRLF').not.toMatch(/(^|[^\r])\n/);
    return text;
  };
  return {
    from: decodeHeader(headers.get('from') ?? ''),
    to: decodeHeader(headers.get('to') ?? '')
      .split(',')
      .map((address) => address.trim()),
    subject: decodeHeader(headers.get('subject') ?? ''),
    text: part('text/plain').replace(/\r\n/g, '\n'),
    html: part('text/html').replace(/\r\n/g, '\n'),
    messageId: headers.get('message-id') ?? '',
  };
}
