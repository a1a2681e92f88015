/** PNG dimensions, and how a PNG chart fares at Slack's preview size. */
import { expect } from 'vitest';

export function pngSize(buffer: Buffer): { width: number; height: number } {
  expect(buffer.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: buffer.readUInt32BE(16), height: buffer.readUInt32BE(20) };
}

/**
 * Slack's desktop client previews an uploaded image inline within about 360 px of height and a
 * message column of about 640 px; a phone shows it across its width (about 360 px).
 */
export const SLACK_PREVIEW = { width: 640, height: 360 } as const;

/**
 * The scale at which text drawn at 1 CSS px shows in Slack's inline preview, for a chart rendered
 * at `pixelRatio` (ours are rendered at 2×, so that they stay sharp when opened).
 */
export function previewScale(size: { width: number; height: number }, pixelRatio = 2): number {
  const css = { width: size.width / pixelRatio, height: size.height / pixelRatio };
  return Math.min(1, SLACK_PREVIEW.width / css.width, SLACK_PREVIEW.height / css.height);
}
