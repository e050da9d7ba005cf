/**
 * How long a photo's preview takes and what it weighs (functions/evidence/previews.ts, the work the
 * confirm step adds): phone-sized JPEGs of noise (they compress like photos, not like flat colour),
 * stored sideways with EXIF orientation 6, each turned into the console's WebP preview in turn.
 *
 *   npx tsx bench/previews.ts [--photos 5] [--width 4000] [--height 3000]
 */
import sharp from 'sharp';
import { makePreview } from '../functions/evidence/previews';
import { intFlags, summarize } from './common';

const { photos, width, height } = intFlags(process.argv.slice(2), { photos: 5, width: 4000, height: 3000 });

const originals: Uint8Array[] = [];
for (let i = 0; i < photos; i += 1) {
  const noise = { type: 'gaussian' as const, mean: 110 + i, sigma: 35 };
  const image = sharp({ create: { width, height, channels: 3, background: '#808080', noise } });
  originals.push(new Uint8Array(await image.jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer()));
}

const ms: number[] = [];
const sizes: number[] = [];
let dimensions = '';
let peakRss = process.memoryUsage().rss;
for (const original of originals) {
  const started = performance.now();
  const preview = await makePreview(original);
  ms.push(performance.now() - started);
  sizes.push(preview.bytes.length);
  dimensions = `${preview.width} x ${preview.height}`;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);
const time = summarize(ms);
const originalSizes = summarize(originals.map((o) => o.length));
const previewSizes = summarize(sizes);
console.log(
  `${photos} preview(s) of ${width} x ${height} JPEGs (EXIF orientation 6), one at a time, sharp ${sharp.versions.sharp}`,
);
console.log(
  `time per preview ms   min ${time.min.toFixed(0)}  median ${time.p50.toFixed(0)}  max ${time.max.toFixed(0)}`,
);
console.log(
  `original MB           min ${mb(originalSizes.min)}  median ${mb(originalSizes.p50)}  max ${mb(originalSizes.max)}`,
);
console.log(
  `preview KB            min ${(previewSizes.min / 1024).toFixed(1)}  median ${(previewSizes.p50 / 1024).toFixed(1)}  max ${(previewSizes.max / 1024).toFixed(1)}  (${dimensions})`,
);
console.log(`peak RSS of this process ${mb(peakRss)} MB`);
