/**
 * The exported HTML renders in a real browser: Debian's headless Chromium
 * opens the golden page and takes a screenshot, which must be a real,
 * non-blank image.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/runbooks.js';

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    if (spawnSync('which', [name]).status === 0) return name;
  }
  return undefined;
}

const chromium = findChromium();
if (!chromium)
  console.log('chromium not installed (apt-get install chromium): the postmortem screenshot test is skipped');

describe.skipIf(!chromium)('the postmortem HTML in headless Chromium', () => {
  it('renders the golden page to a non-blank screenshot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-shot-'));
    const shot = join(dir, 'postmortem.png');
    execFileSync(
      chromium as string,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--hide-scrollbars',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--window-size=1200,2400',
        `--screenshot=${shot}`,
        `file://${join(REPO, 'tests/fixtures/postmortem/scripted.html')}`,
      ],
      { stdio: 'pipe', timeout: 60_000 },
    );
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1200);
    // A blank 1200x2400 page compresses to a few kilobytes; text, tables and the chart do not.
    expect(statSync(shot).size).toBeGreaterThan(60_000);
  }, 90_000);

  it('shows the incident-window metric chart and the curated timeline, as Chromium parses the page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-dom-'));
    const dom = execFileSync(
      chromium as string,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--dump-dom',
        `file://${join(REPO, 'tests/fixtures/postmortem/scripted.html')}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
    ).toString('utf8');
    // The metric chart: an inline SVG with its threshold and the opening marked, captioned.
    const figure = /<figure><svg[\s\S]*?<\/svg><figcaption>([^<]*incident window[^<]*)<\/figcaption>/.exec(
      dom,
    );
    expect(figure?.[1]).toContain('Generation-0 collections per second');
    expect(figure?.[0]).toContain('threshold 50/s');
    expect(figure?.[0]).toContain('opened');
    // The curated timeline (people's names, minutes) before the raw log in the appendix.
    const timeline = dom.slice(dom.indexOf('<h2>Timeline</h2>'), dom.indexOf('<h2>Detection</h2>'));
    expect(timeline).toContain('Alice Martin');
    expect(timeline).toMatch(/2026-11-20 15:0\d CET/);
    expect(timeline).not.toContain('step.started');
    expect(dom.indexOf('Appendix: event log')).toBeGreaterThan(dom.indexOf('<h2>Timeline</h2>'));
    // The simulation's decision chart: each variant's row, the one the verdict names ticked, and the
    // subtitle saying what it does to the step's objective (GC time for the thrash runbook). The
    // scripted incident's verdict names threshold=50000,20,100 (within error of break-cycles on GC
    // time and easier to undo), so the chart does not say it can't tell, and no other row is ticked.
    expect(dom).toContain('pause per collection (ms, log scale)');
    expect(dom).toMatch(/✔ threshold=50000,20,100: GC time [0-9.,]+ → [0-9.,]+ ms\/s/);
    expect(new Set(dom.match(/✔ [^<:'"]+/g))).toEqual(new Set(['✔ threshold=50000,20,100']));
    expect(dom).not.toMatch(/Can(?:'|&#39;|&apos;)t tell/);
  }, 90_000);
});
