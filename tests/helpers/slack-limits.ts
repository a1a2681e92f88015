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
      default:
        out.push(`${where}: unknown block type`);
    }
  });
  return out;
}

export function messageViolations(body: Json): string[] {
  const out: string[] = [];
  const blocks = parseMaybeJson(body.blocks) as Json[] | undefined;
  if (len(body.text) > 40000) out.push('text over 40000');
  if (!body.text && !blocks) out.push('neither text nor blocks');
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
