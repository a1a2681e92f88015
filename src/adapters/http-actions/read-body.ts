/**
 * A read-only action's answer: JSON, at most MAX_BODY_BYTES. A bigger or non-JSON answer is an
 * error (said in a sentence), never a crash, and the connection is released either way.
 */
import type { Dispatcher } from 'undici';

export const MAX_BODY_BYTES = 256 * 1024;

export async function readJsonCapped(
  response: Dispatcher.ResponseData,
  max: number = MAX_BODY_BYTES,
): Promise<{ body?: unknown; error?: string }> {
  const type = String(response.headers['content-type'] ?? '');
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    await response.body.dump();
    return { error: `the answer is not JSON (Content-Type ${type.slice(0, 80) || 'missing'})` };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      response.body.destroy();
      return { error: `the answer is larger than ${max / 1024} KiB` };
    }
    chunks.push(chunk);
  }
  try {
    return { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { error: 'the answer is not valid JSON' };
  }
}
