/**
 * Drawing for `npm run preview:slack` of what Slack draws natively: the `table` block, the
 * `data_visualization` block (bar and line charts, as Slack lays them out: title above, legend
 * below, light grid), an incident channel's header (name, topic, bookmarks bar, pinned card),
 * and a canvas (its Markdown as a document). Approximations for review, not Slack's renderer.
 */
type Json = Record<string, unknown>;

const esc = (t: string) =>
  t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const PALETTE = ['#1d9bd1', '#e8912d', '#2eb67d', '#e01e5a', '#4a154b', '#ecb22e'];

export const NATIVE_STYLE = `.table{border-collapse:collapse;margin:6px 0;font-size:14px}.table td{border:1px solid #ddd;padding:4px 10px}.table tr:first-child td{font-weight:700;background:#f8f8f8}.table td.r{text-align:right;font-variant-numeric:tabular-nums}
.dataviz{border:1px solid #ddd;border-radius:8px;padding:10px 12px;margin:6px 0;max-width:600px}.dataviz .t{font-weight:700;margin-bottom:4px}.legend{font-size:12px;color:#616061;display:flex;gap:12px;flex-wrap:wrap}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
.chanhead{border-bottom:1px solid #ddd;padding:6px 0 8px}.chanhead .name{font-weight:900;font-size:18px}.chanhead .topic{font-size:13px;color:#616061;margin-top:2px}.bookmarks{display:flex;gap:14px;font-size:13px;margin-top:6px}.bookmarks span{border:1px solid #ddd;border-radius:4px;padding:1px 8px;color:#1264a3}
.pinned{background:#fff8e1;border:1px solid #f2d388;border-radius:6px;padding:2px 8px;margin:8px 0}.pinned .label{font-size:12px;color:#8a6d1d;font-weight:700}
.canvas{border:1px solid #ddd;border-radius:8px;padding:18px 28px;max-width:720px;box-shadow:0 2px 8px #0001}.canvas h1{font-size:24px;margin:4px 0 10px}.canvas h2{font-size:18px;margin:16px 0 6px;border-bottom:1px solid #eee}.canvas h3{font-size:15px}.canvas table{border-collapse:collapse;font-size:13px}.canvas td,.canvas th{border:1px solid #ddd;padding:3px 8px;text-align:left}`;

export function tableBlockHtml(b: Json): string {
  const rows = (b.rows as { text?: string; value?: number }[][]) ?? [];
  const settings = (b.column_settings as { align?: string }[] | undefined) ?? [];
  return `<table class="table">${rows
    .map(
      (row) =>
        `<tr>${row.map((c, i) => `<td class="${settings[i]?.align === 'right' ? 'r' : ''}">${esc(String(c.text ?? c.value ?? ''))}</td>`).join('')}</tr>`,
    )
    .join('')}</table>`;
}

export function chartBlockHtml(b: Json): string {
  const chart = b.chart as {
    type: string;
    series: { name: string; data: { label: string; value: number }[] }[];
    axis_config: { categories: string[]; x_label?: string; y_label?: string };
  };
  const W = 560;
  const H = 250;
  const left = 48;
  const bottom = 60;
  const plotW = W - left - 10;
  const plotH = H - bottom - 10;
  const cats = chart.axis_config.categories;
  const values = chart.series.flatMap((s) => s.data.map((d) => d.value));
  const max = Math.max(...values, 0) || 1;
  const nice = 10 ** Math.floor(Math.log10(max));
  const top = Math.ceil(max / nice) * nice;
  const y = (v: number) => 10 + plotH - (v / top) * plotH;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = top * f;
      return `<line x1="${left}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#616061">${Number(v.toPrecision(3))}</text>`;
    })
    .join('');
  const step = plotW / cats.length;
  const labelEvery = Math.ceil(cats.length / 8);
  // Long labels are slanted, as Slack does when they would overlap.
  const slant = cats.some((c) => c.length * 6.5 > step * labelEvery);
  const xLabels = cats
    .map((c, i) => {
      if (i % labelEvery !== 0) return '';
      const x = left + step * (i + 0.5);
      const yy = H - bottom + 14;
      return slant
        ? `<text x="${x}" y="${yy}" font-size="10" text-anchor="end" fill="#616061" transform="rotate(-25 ${x} ${yy})">${esc(c)}</text>`
        : `<text x="${x}" y="${yy + 2}" font-size="11" text-anchor="middle" fill="#616061">${esc(c)}</text>`;
    })
    .join('');
  let marks = '';
  if (chart.type === 'bar') {
    const bw = (step * 0.7) / chart.series.length;
    chart.series.forEach((s, k) => {
      for (const d of s.data) {
        const i = cats.indexOf(d.label);
        const x = left + step * i + step * 0.15 + k * bw;
        marks += `<rect x="${x}" y="${y(d.value)}" width="${Math.max(bw - 2, 1)}" height="${10 + plotH - y(d.value)}" rx="2" fill="${PALETTE[k % PALETTE.length]}"/>`;
      }
    });
  } else {
    chart.series.forEach((s, k) => {
      const points = s.data
        .map((d) => `${left + step * (cats.indexOf(d.label) + 0.5)},${y(d.value)}`)
        .join(' ');
      const dash = s.name === 'threshold' ? ' stroke-dasharray="6,4"' : '';
      marks += `<polyline points="${points}" fill="none" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="2"${dash}/>`;
    });
  }
  const axisTitles = `${chart.axis_config.y_label ? `<text x="12" y="${10 + plotH / 2}" font-size="11" fill="#616061" transform="rotate(-90 12 ${10 + plotH / 2})" text-anchor="middle">${esc(chart.axis_config.y_label)}</text>` : ''}${chart.axis_config.x_label ? `<text x="${left + plotW / 2}" y="${H - 2}" font-size="11" fill="#616061" text-anchor="middle">${esc(chart.axis_config.x_label)}</text>` : ''}`;
  const legend = chart.series
    .map((s, k) => `<span><i style="background:${PALETTE[k % PALETTE.length]}"></i>${esc(s.name)}</span>`)
    .join('');
  return `<div class="dataviz"><div class="t">${esc(String(b.title))}</div><svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Lato,DejaVu Sans,sans-serif">${grid}${marks}${xLabels}${axisTitles}</svg><div class="legend">${legend}</div></div>`;
}

/** The incident channel's header: name, topic, bookmarks bar. */
export function channelHeaderHtml(
  name: string,
  topic: string,
  bookmarks: readonly string[],
  mentions: (t: string) => string,
): string {
  return `<div class="chanhead"><div class="name"># ${esc(name)}</div><div class="topic">${mentions(topic)}</div><div class="bookmarks">${bookmarks.map((b) => `<span>${esc(b)}</span>`).join('')}</div></div>`;
}

/** The Markdown a canvas is written with, as a document (headings, paragraphs, tables, lists). */
export function canvasHtml(title: string, markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  const inline = (t: string) =>
    esc(t)
      .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/(^|\s)_([^_]+)_/g, '$1<i>$2</i>');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const h = /^(#{1,3}) (.*)$/.exec(line);
    if (h) out.push(`<h${h[1]?.length}>${inline(h[2] ?? '')}</h${h[1]?.length}>`);
    else if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] as string).startsWith('|')) {
        rows.push((lines[i] as string).slice(2, -2).split(' | '));
        i++;
      }
      i--;
      const [head, , ...body] = rows;
      out.push(
        `<table><tr>${(head ?? []).map((c) => `<th>${inline(c)}</th>`).join('')}</tr>${body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</table>`,
      );
    } else if (/^[-*] /.test(line)) out.push(`<div>• ${inline(line.slice(2))}</div>`);
    else if (line.trim() !== '' && !line.startsWith('<')) out.push(`<p>${inline(line)}</p>`);
  }
  return `<div class="canvas"><div class="context">Canvas · ${esc(title)}</div>${out.join('\n')}</div>`;
}
