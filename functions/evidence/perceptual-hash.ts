/**
 * The perceptual hashes of a photo (domain/rules/near-copy.ts): `sharp-phash` (a 64-bit DCT pHash
 * over sharp) of the whole frame and of its central crops. The photo is decoded once, upright and
 * in grey at a small working size, and every hash is taken from that copy. A photo with almost no
 * structure (a blank frame, a lens cap, the tiny test images) has a hash that means nothing, so it
 * gets none and is never called a near-copy; a photo sharp cannot decode (HEVC-coded HEIC) gets none
 * either and stays evidence, as it does without a preview.
 */
import sharp from 'sharp';
import phash from 'sharp-phash';
import { PHASH_CROPS, type PhotoHashes, phashHex } from '../../domain/rules/near-copy';

/** Longest side of the working copy: the hash reads a 32 x 32 grey image, so more adds nothing. */
const WORKING_PX = 256;
/** Below this spread of grey levels (0-255) at 32 x 32 a picture has no features to compare. */
export const MIN_GREY_STDEV = 4;
/** As for previews: a bigger decode than this is refused (a 15 MB file of compressible pixels). */
const MAX_INPUT_PIXELS = 100_000_000;

type Grey = { data: Buffer; width: number; height: number };

function raw(grey: Grey) {
  return { raw: { width: grey.width, height: grey.height, channels: 1 as const } };
}

async function hashOf(grey: Grey): Promise<string> {
  return phashHex(await phash(grey.data, raw(grey)));
}

async function crop(grey: Grey, share: number): Promise<Grey> {
  const width = Math.max(1, Math.round(grey.width * share));
  const height = Math.max(1, Math.round(grey.height * share));
  const left = Math.floor((grey.width - width) / 2);
  const top = Math.floor((grey.height - height) / 2);
  // Without greyscale() sharp answers a one-channel input in three channels.
  const { data, info } = await sharp(grey.data, raw(grey))
    .extract({ left, top, width, height })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The photo's hashes, or undefined when it has too little structure to compare; throws when sharp cannot decode it. */
export async function photoHashes(bytes: Uint8Array): Promise<PhotoHashes | undefined> {
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .autoOrient()
    .greyscale()
    .resize(WORKING_PX, WORKING_PX, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const grey: Grey = { data, width: info.width, height: info.height };
  const stats = await sharp(grey.data, raw(grey)).resize(32, 32, { fit: 'fill' }).stats();
  if ((stats.channels[0]?.stdev ?? 0) < MIN_GREY_STDEV) return undefined;
  const crops: string[] = [];
  for (const share of PHASH_CROPS) crops.push(await hashOf(await crop(grey, share)));
  return { full: await hashOf(grey), crops };
}
