/**
 * Writes an exported postmortem and the files it links (its charts) side by side, so the
 * Markdown opened in any viewer shows its images. Attachment names are reduced to a base
 * name: nothing is written outside the output's folder.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExportedFile } from './export.js';

/** The paths written, the postmortem first. */
export function writeExport(file: ExportedFile, output: string): string[] {
  writeFileSync(output, file.content);
  const written = [output];
  for (const attachment of file.attachments ?? []) {
    const path = join(dirname(output), basename(attachment.filename));
    writeFileSync(path, attachment.content);
    written.push(path);
  }
  return written;
}
