import { escapeHtml } from './html-escape.ts';

/** The opening of a mail's HTML part: the document, its title, the body. */
export function mailHtmlStart(title: string): string[] {
  return [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>`,
  ];
}

/** Label and value pairs as table rows, both escaped. */
export function mailHtmlRows(details: ReadonlyArray<readonly [label: string, value: string]>): string {
  return details
    .map(
      ([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
}
