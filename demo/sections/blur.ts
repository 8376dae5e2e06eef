/**
 * Blur: a box blur of a photo, in C on the pool, as the radius slider moves. The page only
 * posts the pixels and awaits the result, so it keeps drawing at full frame rate however
 * large the radius. While a blur runs, slider moves coalesce: the next blur takes the
 * latest radius.
 */
import type { ThreadPoolManager } from '/dist/wasmpool.mjs';
import { byId, describeError, duration } from '../dom';
import type { Kernels } from '../kernels';

export async function setupBlur(pool: ThreadPoolManager<Kernels>): Promise<void> {
  const canvas = byId<HTMLCanvasElement>('blur-canvas');
  const slider = byId<HTMLInputElement>('blur-radius');
  const radiusOut = byId('blur-radius-value');
  const status = byId('blur-status');
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;

  const image = new Image();
  image.src = new URL('assets/chelsea.jpg', document.baseURI).href; // a CC0 photo: assets/README.md
  await image.decode();
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  ctx.drawImage(image, 0, 0);
  const original = ctx.getImageData(0, 0, canvas.width, canvas.height);
  canvas.dataset.radius = '0';

  let wanted = Number(slider.value);
  let shown = 0;
  let busy = false;

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      while (wanted !== shown) {
        const radius = wanted;
        const pixels = original.data.slice();
        const t0 = performance.now();
        try {
          await pool.exports.blur(pixels, original.width, original.height, radius);
        } catch (err) {
          const e = describeError(err);
          status.textContent = `${e.name} (${e.code}): ${e.message}`;
          status.dataset.error = e.code;
          return;
        }
        const ms = performance.now() - t0;
        ctx.putImageData(new ImageData(pixels, original.width, original.height), 0, 0);
        shown = radius;
        canvas.dataset.radius = String(radius);
        delete status.dataset.error;
        status.textContent = `radius ${radius}: ${duration(ms)} on ${pool.stats.threads} threads`;
      }
    } finally {
      busy = false;
    }
  }

  slider.addEventListener('input', () => {
    wanted = Number(slider.value);
    radiusOut.textContent = String(wanted);
    void pump();
  });
  radiusOut.textContent = slider.value;
  void pump();
}
