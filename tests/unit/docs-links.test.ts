/**
 * The README is the front page and docs/ holds the reference: every page is linked from the
 * README, every relative link and anchor in them resolves, and the README's command table
 * names every command.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { headingAnchors, markdownLinks, markdownPages, readPage } from '../helpers/markdown.js';
import { REPO } from '../helpers/runbooks.js';

const pages = markdownPages();
const readme = readPage('README.md');

/** A link's target as a path relative to the repository, and its anchor. */
function resolve(page: string, target: string): { path: string; anchor: string | undefined } {
  const [file = '', anchor] = target.split('#');
  return { path: file === '' ? page : normalize(join(dirname(page), decodeURI(file))), anchor };
}

describe('docs links', () => {
  it('finds the pages and their links', () => {
    expect(pages).toContain('docs/runbook-format.md');
    expect(markdownLinks(readme).length).toBeGreaterThan(20);
  });

  it.each(pages)('%s: every relative link and anchor resolves', (page) => {
    const broken: string[] = [];
    for (const { line, target } of markdownLinks(readPage(page))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const { path, anchor } = resolve(page, target);
      if (path.startsWith('..') || !existsSync(join(REPO, path))) {
        broken.push(`${page}:${line}: ${target}: no such file`);
      } else if (anchor !== undefined) {
        if (!path.endsWith('.md') || statSync(join(REPO, path)).isDirectory()) {
          broken.push(`${page}:${line}: ${target}: an anchor into a file that is not Markdown`);
        } else if (!headingAnchors(readPage(path)).has(anchor)) {
          broken.push(`${page}:${line}: ${target}: no heading '#${anchor}' in ${path}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('the README links every page under docs/', () => {
    const linked = new Set(
      markdownLinks(readme)
        .filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l.target))
        .map((l) => resolve('README.md', l.target).path),
    );
    expect(pages.filter((p) => p !== 'README.md' && !linked.has(p))).toEqual([]);
  });

  it('the README is a front page: at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it("the README's command table names every command, and no command that does not exist", () => {
    const rows = [...readme.matchAll(/^\| `gc-incident ([a-z-]+)/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });
});

describe('the link checker', () => {
  it('gives headings the anchors GitHub gives them', () => {
    const anchors = headingAnchors(
      '# `gc-incident init [DIR] [--force]`\n## Crashes and replicas: nothing lost\n```\n# not a heading\n```\n## Start-up time (`npm run bench:cli`)\n## Notes\n## Notes\n',
    );
    expect([...anchors]).toEqual([
      'gc-incident-init-dir---force',
      'crashes-and-replicas-nothing-lost',
      'start-up-time-npm-run-benchcli',
      'notes',
      'notes-1',
    ]);
  });

  it('finds links and images in prose, not in code', () => {
    const links = markdownLinks(
      'see [a](docs/a.md#x) and ![p](images/p.png "t")\n`[no](code.md)`\n```\n[no](fence.md)\n```\n<https://x.example>',
    );
    expect(links.map((l) => l.target)).toEqual(['docs/a.md#x', 'images/p.png']);
  });
});
