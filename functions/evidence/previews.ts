/**
 * Downscaled previews of photo evidence for the console (sharp). The original stays as it was
 * uploaded and verified; the preview is a separate, smaller WebP with the EXIF orientation applied
 * and no metadata (the GPS position stays in the original and on the photo record).
 *
 * sharp is a native module: the function that confirms photos leaves it out of its bundle and
 * gets it from a layer (infra/constructs/sharp-layer.ts); locally it resolves from node_modules.
 */
import sharp from 'sharp';

/** The longest side of a preview, in pixels: sharp enough for a phone screen or a printed card. */
export const PREVIEW_MAX_PX = 640;
export const PREVIEW_CONTENT_TYPE = 'image/webp';
/** Decoding a bigger image than this is refused (a 15 MB file of highly compressible pixels). */
const MAX_INPUT_PIXELS = 100_000_000;

export interface Preview {
  bytes: Uint8Array;
  contentType: typeof PREVIEW_CONTENT_TYPE;
  width: number;
  height: number;
}

/** A preview of `original`; throws when sharp cannot decode it (e.g. HEVC-coded HEIC). */
export async function makePreview(original: Uint8Array): Promise<Preview> {
  const { data, info } = await sharp(original, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .autoOrient()
    .resize({ width: PREVIEW_MAX_PX, height: PREVIEW_MAX_PX, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer({ resolveWithObject: true });
  return { bytes: new Uint8Array(data), contentType: PREVIEW_CONTENT_TYPE, width: info.width, height: info.height };
}
