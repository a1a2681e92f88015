/**
 * The postmortem as one standalone HTML page (inline styles, charts inlined as
 * SVG), readable offline and printable. Every text is escaped.
 */

import type { Postmortem } from './model.js';
import type { MetricChart, Readers } from './readable.js';
import { renderMarkdown } from './render-markdown.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const esc = (text: string) =>
  /[&<>"]/.test(text) ? text.replace(/[&<>"]/g, (c) => ENTITIES[c] as string) : text;

const STYLE = `body{font:15px/1.5 system-ui,-apple-system,"DejaVu Sans",sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.7rem;border-bottom:3px solid #c0392b;padding-bottom:.3rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f6}blockquote{margin:.5rem 0;padding:.4rem .8rem;background:#fff8e1;border-left:4px solid #f0b400}
code,pre{font-family:"DejaVu Sans Mono",monospace;font-size:.85rem}pre{background:#f6f8fa;padding:.8rem;overflow:auto}
figure{margin:1rem 0}figcaption{color:#555;font-size:.85rem}figure svg{max-width:100%;height:auto}details{margin:.5rem 0}`;

/** Minimal Markdown (what renderMarkdown writes: headings, tables, lists, quotes, code, details) to HTML. */
function markdownToHtml(
  md: string,
  charts: Readonly<Record<string, string>>,
  metricCharts: readonly MetricChart[] = [],
): string {
  const out: string[] = [];
  const lines = md.split('\n');
  let i = 0;
  // Most cells (times, ids, plain sentences) have nothing to format: skip the regular expressions.
  const inline = (t: string) =>
    !/[`[_*]/.test(t)
      ? esc(t)
      : esc(t)
          .replace(/`([^`]+)`/g, '<code>$1</code>')
          .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
          .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
          .replace(/(^|\s)_([^_]+)_(?=$|[\s.,;:])/g, '$1<em>$2</em>');
  while (i < lines.length) {
    const line = lines[i] as string;
    const image = /^!\[([^\]]*)\]\(([^)\s]+)\)$/.exec(line);
    if (image) {
      // Metric charts are inlined (the page stays one file); the Markdown links the PNG instead.
      const chart = metricCharts.find((c) => c.file === image[2]);
      out.push(
        chart?.svg
          ? `<figure>${chart.svg}<figcaption>${esc(chart.title)}</figcaption></figure>`
          : `<p><a href="${esc(image[2] as string)}">${esc(image[1] as string)}</a></p>`,
      );
      i++;
    } else if (line.startsWith('```')) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).startsWith('```')) code.push(lines[i++] as string);
      out.push(`<pre><code>${esc(code.join('\n'))}</code></pre>`);
      i++;
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] as string).startsWith('|')) {
        const cells = (lines[i] as string)
          .slice(2, -2)
          .split(/ (?<!\\)\| /)
          .map((c) => c.replace(/\\\|/g, '|'));
        rows.push(cells);
        i++;
      }
      const [head, , ...body] = rows;
      out.push(
        `<table><thead><tr>${(head ?? []).map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`,
      );
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      while (i < lines.length && (lines[i] as string).startsWith('- '))
        items.push((lines[i++] as string).slice(2));
      out.push(`<ul>${items.map((t) => `<li>${inline(t)}</li>`).join('')}</ul>`);
    } else if (line.startsWith('> ')) {
      out.push(`<blockquote>${inline(line.slice(2))}</blockquote>`);
      i++;
    } else if (/^#{1,3} /.test(line)) {
      const level = line.indexOf(' ');
      const text = line.slice(level + 1);
      out.push(`<h${level}>${inline(text)}</h${level}>`);
      const step = /\(`([^`]+)`\)$/.exec(text)?.[1];
      if (level === 3 && step && charts[step]) out.push(`<figure>${charts[step]}</figure>`);
      i++;
    } else if (line.startsWith('<details><summary>')) {
      out.push(`<details><summary>${esc(line.replace(/<\/?details>|<\/?summary>/g, ''))}</summary>`);
      i++;
    } else if (line === '</details>') {
      out.push('</details>');
      i++;
    } else if (line.trim() === '') {
      i++;
    } else {
      out.push(`<p>${inline(line)}</p>`);
      i++;
    }
  }
  return out.join('\n');
}

/** `charts`: simulate step id → an SVG (from the Vega renderer) shown under that simulation. */
export function renderHtml(
  pm: Postmortem,
  charts: Readonly<Record<string, string>> = {},
  readers: Readers = {},
): string {
  const body = markdownToHtml(renderMarkdown(pm, readers), charts, readers.metricCharts);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gc-incident">
<title>${esc(`${pm.header.id}: ${pm.header.title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
