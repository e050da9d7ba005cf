/**
 * Near-copies of photos. SHA-256 finds the same file; a photo re-saved, resized, cropped or
 * brightened is a different file and the same picture. A perceptual hash (64-bit DCT pHash, made
 * by `sharp-phash` when the photo is confirmed) stays nearly the same through those changes, so
 * two photos whose hashes differ in few bits are flagged like exact reuse: `near-duplicate-image`
 * across households, `near-duplicate-stage` across one household's steps.
 *
 * A pHash of the whole frame does not survive a crop, so each photo keeps three: the whole frame
 * and its central 90% and 80%. A crop of an earlier photo then matches that photo's central hash,
 * and an earlier crop matches the new photo's central hash. Off-centre crops are caught only while
 * they stay close to a central one (the test corpus states how often).
 *
 * Finding candidates is a query, not a scan: each hash is cut into 8 bands of 8 bits and stored
 * under each band; two hashes within 7 bits share at least one band exactly (pigeonhole), and at
 * the threshold of 8 they share one unless each band holds exactly one differing bit (under 0.4%
 * of the ways 8 bits can differ). The candidates found are then measured exactly.
 */
import type { Photo } from '../model';

/** Hex digits of a 64-bit hash. */
export const PHASH_HEX_LENGTH = 16;
const HEX = /^[0-9a-f]{16}$/;

/**
 * The most bits two hashes may differ in and still be the same picture. From the test corpus
 * (test/unit/domain/near-copy.test.ts): re-encoded, resized, brightened and centrally cropped
 * copies stay within 6 bits of their original; distinct scenes were 20 or more bits apart.
 */
export const NEAR_COPY_MAX_DISTANCE = 8;

/** The hashes of one photo: the whole frame and its central crops. */
export interface PhotoHashes {
  full: string;
  /** Central 90% and 80% of the frame, in that order. */
  crops: readonly string[];
}

/** The central crops hashed beside the whole frame (share of width and height kept). */
export const PHASH_CROPS = [0.9, 0.8] as const;

/** `sharp-phash` answers 64 characters of `0`/`1`; the file keeps 16 hex digits. */
export function phashHex(bits: string): string {
  if (!/^[01]{64}$/.test(bits)) throw new RangeError('a pHash is 64 bits of 0 and 1');
  let hex = '';
  for (let i = 0; i < 64; i += 4) hex += Number.parseInt(bits.slice(i, i + 4), 2).toString(16);
  return hex;
}

export function isPhash(value: unknown): value is string {
  return typeof value === 'string' && HEX.test(value);
}

const POPCOUNT = Array.from({ length: 16 }, (_, n) => (n & 1) + ((n >> 1) & 1) + ((n >> 2) & 1) + ((n >> 3) & 1));

/** Bits in which two 64-bit hashes (16 hex digits) differ. */
export function hammingDistance(a: string, b: string): number {
  if (!isPhash(a) || !isPhash(b)) throw new RangeError('hashes are 16 lower-case hex digits');
  let distance = 0;
  for (let i = 0; i < PHASH_HEX_LENGTH; i++) {
    distance += POPCOUNT[Number.parseInt(a.charAt(i), 16) ^ Number.parseInt(b.charAt(i), 16)] ?? 0;
  }
  return distance;
}

/**
 * How far apart two photos are: the closest of whole frame against whole frame or against the
 * other's central crops (either way round). Crop against crop is not compared: two central crops
 * of different pictures would only add chances of a false match.
 */
export function photoDistance(a: PhotoHashes, b: PhotoHashes): number {
  let best = hammingDistance(a.full, b.full);
  for (const crop of b.crops) best = Math.min(best, hammingDistance(a.full, crop));
  for (const crop of a.crops) best = Math.min(best, hammingDistance(crop, b.full));
  return best;
}

export function isNearCopy(a: PhotoHashes, b: PhotoHashes, maxDistance = NEAR_COPY_MAX_DISTANCE): boolean {
  return photoDistance(a, b) <= maxDistance;
}

export const PHASH_BANDS = 8;

/** The index keys of one hash: `{band}{two hex digits}`, eight of them. */
export function phashBands(hash: string): string[] {
  if (!isPhash(hash)) throw new RangeError('a pHash is 16 lower-case hex digits');
  return Array.from({ length: PHASH_BANDS }, (_, band) => `${band}${hash.slice(band * 2, band * 2 + 2)}`);
}

/** A stored photo with its hashes, as the band index returns it. */
export interface HashedPhoto extends Pick<Photo, 'householdId' | 'photoId' | 'step'> {
  hashes: PhotoHashes;
}

export interface NearCopyMatch {
  householdId: string;
  photoId: string;
  step: string;
  distance: number;
}

export interface NearCopyFindings {
  /** Photos of other households within the distance. */
  otherHouseholds: NearCopyMatch[];
  /** Photos of this household taken for another step within the distance. */
  otherSteps: NearCopyMatch[];
}

/**
 * Near-copies of `photo` among `candidates`, closest first. The photo itself and photos of the
 * same household and step (two shots at one visit look alike by nature) are not matches.
 */
export function findNearCopies(
  photo: HashedPhoto,
  candidates: readonly HashedPhoto[],
  maxDistance = NEAR_COPY_MAX_DISTANCE,
): NearCopyFindings {
  const findings: NearCopyFindings = { otherHouseholds: [], otherSteps: [] };
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const key = `${candidate.householdId}#${candidate.photoId}`;
    if (seen.has(key) || candidate.photoId === photo.photoId) continue;
    seen.add(key);
    const sameHousehold = candidate.householdId === photo.householdId;
    if (sameHousehold && candidate.step === photo.step) continue;
    const distance = photoDistance(photo.hashes, candidate.hashes);
    if (distance > maxDistance) continue;
    const match = { householdId: candidate.householdId, photoId: candidate.photoId, step: candidate.step, distance };
    (sameHousehold ? findings.otherSteps : findings.otherHouseholds).push(match);
  }
  findings.otherHouseholds.sort((a, b) => a.distance - b.distance);
  findings.otherSteps.sort((a, b) => a.distance - b.distance);
  return findings;
}
