const SAFE = /^[\w./:@%+=,-]+$/;

/** A value as one POSIX shell word: left as it is when nothing in it is special, else single-quoted. */
export function shellQuote(value: string): string {
  return SAFE.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
