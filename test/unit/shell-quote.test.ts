import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../local/shell-quote.ts';

describe('shellQuote', () => {
  it('leaves plain values alone', () => {
    expect(shellQuote('AKIAEXAMPLE0123')).toBe('AKIAEXAMPLE0123');
    expect(shellQuote('http://127.0.0.1:4747')).toBe('http://127.0.0.1:4747');
    expect(shellQuote('abc/def+ghi=')).toBe('abc/def+ghi=');
  });

  it('makes any value one word that the shell reads back unchanged', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\0')),
        (value) => {
          const echoed = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(value)}`], {
            encoding: 'utf8',
          });
          expect(echoed).toBe(value);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps a command in a value from running under eval', () => {
    const out = execFileSync(
      '/bin/sh',
      ['-c', `eval "export X=${shellQuote('abc;echo INJECTED')}"; printf %s "$X"`],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toBe('abc;echo INJECTED');
  });
});
