/**
 * The one escaping for user-written text in the Markdown postmortem. Markdown
 * renderers (GitHub, GitLab, wikis) pass inline HTML through and follow any
 * link, so `<script>`, `<img onerror>` and `[x](javascript:…)` must not reach
 * the file as written, and a note must not open a heading, a table or a code
 * fence of its own. The escapes are the minimal ones, so the text reads the
 * same once rendered: a `<` that could open a tag becomes `&lt;`, a link's `](`/`][`, a reference
 * definition's `[x]:` and an image's `![` are broken with a backslash, `|` is escaped, and block
 * syntax at a line start is escaped.
 */
function escapeInlineSyntax(text: string): string {
  return (
    text
      .replace(/&(?=[a-zA-Z#][a-zA-Z0-9]*;)/g, '&amp;')
      .replace(/<(?=[a-zA-Z/!?])/g, '&lt;')
      .replace(/\]\(/g, ']\\(')
      .replace(/\]\[/g, ']\\[')
      // A reference definition (`[x]: javascript:…`, at a line or list item's start) would turn a
      // later `[x]` into a link; an image (`![x]…`) would load a remote source when the file is viewed.
      .replace(/\[([^\]\n]*)\]:/g, '\\[$1]:')
      .replace(/!\[/g, '\\![')
      .replace(/\|/g, '\\|')
  );
}

/** For one line or a table cell: inline syntax escaped, line breaks become spaces. */
export function escapeMarkdownInline(text: string): string {
  return escapeInlineSyntax(text.replace(/\r?\n/g, ' '));
}

/** For multi-line notes: each line escaped, and none may start a heading, a fence, a quote or a setext underline. */
export function escapeMarkdownBlock(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) =>
      escapeInlineSyntax(line)
        .replace(/^(\s*)(#|>|`{3,}|~{3,})/, '$1\\$2')
        .replace(/^(\s*)(=+|-{2,})(\s*)$/, '$1\\$2$3'),
    )
    .join('\n');
}
