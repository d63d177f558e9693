/** Small pieces shared by everything that draws: text escaped for SVG/HTML, and RGB bytes as a sharp overlay. */
import type { OverlayOptions } from 'sharp';
import type { Rgb } from '@pixpnet/data';

/** Text (or any value) escaped for SVG and HTML content and attributes. */
export function escapeMarkup(v: unknown): string {
  return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** RGB bytes placed at `(left, top)` in a sharp composite. */
export function rgbLayer(img: Rgb, left: number, top: number): OverlayOptions {
  return { input: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), raw: { width: img.w, height: img.h, channels: 3 }, left, top };
}
