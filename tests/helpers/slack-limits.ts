/**
 * Slack's documented Block Kit limits, written independently of the product's
 * own limits module so that a rendering bug is caught rather than mirrored.
 * Returns the violations of one message or view (empty: Slack would accept it).
 */
type Json = Record<string, unknown>;

function len(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

function textOf(obj: unknown): string {
  return ((obj as Json | undefined)?.text as string | undefined) ?? '';
}

function checkElement(el: Json, where: string, out: string[]): void {
  if (typeof el.action_id === 'string' && el.action_id.length > 255) out.push(`${where}: action_id over 255`);
  if (el.type === 'button') {
    if (len(textOf(el.text)) > 75) out.push(`${where}: button text over 75`);
    if (len(el.value) > 2000) out.push(`${where}: button value over 2000`);
    if (len(el.url) > 3000) out.push(`${where}: button url over 3000`);
    const confirm = el.confirm as Json | undefined;
    if (confirm) {
      if (len(textOf(confirm.title)) > 100) out.push(`${where}: confirm title over 100`);
      if (len(textOf(confirm.text)) > 300) out.push(`${where}: confirm text over 300`);
      if (len(textOf(confirm.confirm)) > 30 || len(textOf(confirm.deny)) > 30)
        out.push(`${where}: confirm button over 30`);
    }
  }
  if (el.type === 'static_select') {
    const options = (el.options as Json[] | undefined) ?? [];
    if (options.length > 100) out.push(`${where}: more than 100 options`);
    for (const o of options) {
      if (len(textOf(o.text)) > 75) out.push(`${where}: option text over 75`);
      if (len(o.value) > 150) out.push(`${where}: option value over 150`);
    }
    if (len(textOf(el.placeholder)) > 150) out.push(`${where}: placeholder over 150`);
  }
}

export function blockViolations(blocks: readonly Json[], maxBlocks: number): string[] {
  const out: string[] = [];
  if (blocks.length > maxBlocks) out.push(`${blocks.length} blocks, more than ${maxBlocks}`);
  const ids = new Set<string>();
  blocks.forEach((block, i) => {
    const where = `blocks[${i}] (${String(block.type)})`;
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > 255) out.push(`${where}: block_id over 255`);
      if (ids.has(block.block_id)) out.push(`${where}: duplicate block_id ${block.block_id}`);
      ids.add(block.block_id);
    }
    switch (block.type) {
      case 'section': {
        const text = textOf(block.text);
        if (block.text && (text.length < 1 || text.length > 3000))
          out.push(`${where}: text length ${text.length}, must be 1-3000`);
        const fields = (block.fields as Json[] | undefined) ?? [];
        if (fields.length > 10) out.push(`${where}: more than 10 fields`);
        for (const f of fields) if (len(f.text) > 2000) out.push(`${where}: field over 2000`);
        if (!block.text && fields.length === 0) out.push(`${where}: section without text or fields`);
        if (block.accessory) checkElement(block.accessory as Json, where, out);
        break;
      }
      case 'header':
        if (len(textOf(block.text)) > 150) out.push(`${where}: header over 150`);
        break;
      case 'context': {
        const elements = (block.elements as Json[] | undefined) ?? [];
        if (elements.length === 0 || elements.length > 10)
          out.push(`${where}: ${elements.length} elements, must be 1-10`);
        for (const e of elements) if (len(e.text) > 3000) out.push(`${where}: context text over 3000`);
        break;
      }
      case 'actions': {
        const elements = (block.elements as Json[] | undefined) ?? [];
        if (elements.length === 0 || elements.length > 25)
          out.push(`${where}: ${elements.length} elements, must be 1-25`);
        const actionIds = new Set<string>();
        for (const e of elements) {
          checkElement(e, where, out);
          if (typeof e.action_id === 'string') {
            if (actionIds.has(e.action_id)) out.push(`${where}: duplicate action_id ${e.action_id}`);
            actionIds.add(e.action_id);
          }
        }
        break;
      }
      case 'input':
        if (len(textOf(block.label)) > 2000) out.push(`${where}: label over 2000`);
        if (len(textOf(block.hint)) > 2000) out.push(`${where}: hint over 2000`);
        if (block.element) checkElement(block.element as Json, where, out);
        break;
      case 'divider':
      case 'image':
      case 'rich_text':
        break;
      // docs.slack.dev/reference/block-kit/blocks/table-block: ≤ 100 rows of ≤ 20 cells.
      case 'table': {
        const rows = (block.rows as Json[][] | undefined) ?? [];
        if (rows.length === 0 || rows.length > 100) out.push(`${where}: ${rows.length} rows, must be 1-100`);
        for (const row of rows) {
          if (!Array.isArray(row) || row.length === 0 || row.length > 20)
            out.push(`${where}: a row of ${Array.isArray(row) ? row.length : 0} cells, must be 1-20`);
          for (const c of Array.isArray(row) ? row : [])
            if (!['raw_text', 'raw_number', 'rich_text'].includes(String(c.type)))
              out.push(`${where}: cell of type ${String(c.type)}`);
        }
        if (((block.column_settings as unknown[] | undefined) ?? []).length > 20)
          out.push(`${where}: more than 20 column_settings`);
        break;
      }
      case 'data_visualization':
        chartViolations(block, where, out);
        break;
      default:
        out.push(`${where}: unknown block type`);
    }
  });
  return out;
}

/** docs.slack.dev/reference/block-kit/blocks/data-visualization-block (changelog 2026-06-16). */
function chartViolations(block: Json, where: string, out: string[]): void {
  if (len(block.title) < 1 || len(block.title) > 50)
    out.push(`${where}: title length ${len(block.title)}, must be 1-50`);
  const chart = (block.chart as Json | undefined) ?? {};
  if (chart.type === 'pie') {
    const segments = (chart.segments as Json[] | undefined) ?? [];
    if (segments.length < 1 || segments.length > 6)
      out.push(`${where}: ${segments.length} segments, must be 1-6`);
    for (const s of segments) {
      if (len(s.label) > 20) out.push(`${where}: segment label over 20`);
      if (!(typeof s.value === 'number' && s.value > 0)) out.push(`${where}: segment value must be > 0`);
    }
    return;
  }
  if (!['line', 'bar', 'area'].includes(String(chart.type))) {
    out.push(`${where}: chart type ${String(chart.type)}`);
    return;
  }
  const axis = (chart.axis_config as Json | undefined) ?? {};
  const categories = (axis.categories as unknown[] | undefined) ?? [];
  if (categories.length === 0) out.push(`${where}: no axis_config.categories`);
  for (const c of categories)
    if (len(c) > 20 || typeof c !== 'string') out.push(`${where}: category over 20`);
  if (new Set(categories).size < categories.length) out.push(`${where}: duplicate categories`);
  if (len(axis.x_label) > 50 || len(axis.y_label) > 50) out.push(`${where}: axis label over 50`);
  const series = (chart.series as Json[] | undefined) ?? [];
  if (series.length < 1 || series.length > 6) out.push(`${where}: ${series.length} series, must be 1-6`);
  const names = series.map((s) => s.name);
  if (new Set(names).size < names.length) out.push(`${where}: duplicate series names`);
  for (const s of series) {
    if (len(s.name) < 1 || len(s.name) > 20)
      out.push(`${where}: series name length ${len(s.name)}, must be 1-20`);
    const data = (s.data as Json[] | undefined) ?? [];
    if (data.length < 1 || data.length > 20) out.push(`${where}: ${data.length} points, must be 1-20`);
    for (const p of data) {
      if (!categories.includes(p.label)) out.push(`${where}: point label ${String(p.label)} not a category`);
      if (typeof p.value !== 'number' || !Number.isFinite(p.value))
        out.push(`${where}: point value not a number`);
    }
  }
}

export function messageViolations(body: Json): string[] {
  const out: string[] = [];
  const blocks = parseMaybeJson(body.blocks) as Json[] | undefined;
  if (len(body.text) > 40000) out.push('text over 40000');
  if (!body.text && !blocks) out.push('neither text nor blocks');
  const charts = (blocks ?? []).filter((b) => b.type === 'data_visualization').length;
  if (charts > 2) out.push(`${charts} data_visualization blocks, at most 2 per message`);
  if (blocks) out.push(...blockViolations(blocks, 50));
  return out;
}

export function viewViolations(view: Json): string[] {
  const out: string[] = [];
  for (const key of ['title', 'submit', 'close'] as const) {
    if (len(textOf(view[key])) > 24) out.push(`view ${key} over 24`);
  }
  if (len(view.private_metadata) > 3000) out.push('private_metadata over 3000');
  if (len(view.callback_id) > 255) out.push('callback_id over 255');
  if (JSON.stringify(view).length > 250_000) out.push('view over 250 kB');
  out.push(...blockViolations((view.blocks as Json[] | undefined) ?? [], 100));
  return out;
}

export function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
