// Pure: sections -> one self-contained HTML document. No script, no external resource; a
// Content-Security-Policy forbids loading anything, so the page stays offline even if a bug
// slipped something in.
import { html, raw, type Html } from './escape.ts';
import { STYLE } from './style.ts';

export interface Section {
  /** DOM id and nav anchor: verdict, details, environment, scenario... */
  id: string;
  title: string;
  body: Html;
}

export interface Page {
  title: string;
  /** Lines under the title (run id, target, time). */
  subtitle: Html;
  sections: Section[];
}

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderPage(page: Page): string {
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="servebench">
<title>${page.title}</title>
<style>${raw(STYLE)}</style>
</head>
<body>
<header class="top"><h1>${page.title}</h1><div class="sub">${page.subtitle}</div></header>
<nav>${page.sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>
<main>
${page.sections.map((s) => html`<section id="${s.id}"><h2>${s.title}</h2>
${s.body}
</section>
`)}</main>
</body>
</html>
`;
  return doc.text;
}
