/** An HTTP request's body, read as it streams in, for the routes `serve` adds beside Slack's. */
import type { IncomingMessage } from 'node:http';

/** The body; undefined as soon as it passes `max` bytes (the rest is not buffered). */
export async function readRequestBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
