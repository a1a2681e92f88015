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
});
