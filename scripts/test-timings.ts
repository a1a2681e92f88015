/**
 * Refreshes tests/tiers/file-seconds.json, the seconds each test file took, from a vitest JSON
 * report. The suite's sequencer (tests/tiers/sequencer.ts) starts the longest files first with it,
 * so a long file does not start last and run alone while the other workers sit idle.
 *
 *   npx vitest run --reporter=default --reporter=json --outputFile=/tmp/report.json
 *   node --import tsx scripts/test-timings.ts /tmp/report.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface Report {
  testResults: { name: string; startTime: number; endTime: number }[];
}

const reportPath = process.argv[2];
if (!reportPath) {
  console.error('usage: node --import tsx scripts/test-timings.ts <vitest JSON report>');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
const seconds: Record<string, number> = {};
for (const file of [...report.testResults].sort((a, b) => a.name.localeCompare(b.name))) {
  seconds[relative(root, file.name)] = Math.round((file.endTime - file.startTime) / 100) / 10;
}
const out = join(root, 'tests/tiers/file-seconds.json');
writeFileSync(out, `${JSON.stringify(seconds, null, 1)}\n`);
console.log(`${Object.keys(seconds).length} files written to ${relative(root, out)}`);
