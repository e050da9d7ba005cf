/**
 * Photo evidence (改造前/中/后照片): what a photo must be to count, and what about it deserves a
 * second look. The checks never refuse a photo on their own: a flag is shown on the photo and on
 * the household file so the person who signs the step sees it (谁核查、谁签字、谁负责). Pure
 * functions: the server reads the object and its EXIF, these decide.
 */
import type { Bilingual, FieldMessage } from '../errors';
import { FLAG_TITLES as ALL_FLAG_TITLES } from '../labels';
import type { Photo } from '../model';
import { CHINA_OFFSET, startOfChinaDay } from './calendar';
import type { NearCopyFindings } from './near-copy';

export const PHOTO_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export type PhotoContentType = (typeof PHOTO_CONTENT_TYPES)[number];

/** The largest photo accepted: a full-resolution phone photo fits, a video does not. */
export const MAX_PHOTO_BYTES = 15 * 1024 * 1024;

/** How far from the recorded house a photo may be taken before it is flagged (GPS error plus a yard). */
export const DEFAULT_MAX_PHOTO_DISTANCE_M = 500;

/**
 * Without the house's own position, how far from the village's recorded centre a photo may be
 * taken: a village's houses spread over a few kilometres, a photo 50 km away is elsewhere.
 */
export const DEFAULT_MAX_VILLAGE_DISTANCE_M = 5_000;

/**
 * EXIF times carry no zone unless the camera wrote `OffsetTimeOriginal`; the programs run in
 * China, so a bare time is Beijing time rather than the server's UTC.
 */
export const DEFAULT_EXIF_OFFSET = CHINA_OFFSET;

/** Camera clocks drift: a capture time this far ahead of the server is still believed. */
export const CAPTURE_CLOCK_TOLERANCE_MS = 10 * 60 * 1000;

export const EVIDENCE_FLAGS = [
  'duplicate-image',
  'near-duplicate-image',
  'near-duplicate-stage',
  'gps-far',
  'gps-missing',
  'capture-time-missing',
  'capture-time-future',
  'capture-time-outside-window',
  'stage-too-soon',
] as const;
export type EvidenceFlag = (typeof EVIDENCE_FLAGS)[number];

export interface LatLon {
  lat: number;
  lon: number;
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres (haversine; metre-level accuracy is plenty for a village). */
export function haversineMeters(a: LatLon, b: LatLon): number {
  const toRad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const EXIF_DATE_TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/;
const OFFSET = /^[+-]\d{2}:\d{2}$/;

/**
 * An EXIF `DateTimeOriginal` ("2025:06:02 10:15:00") as an ISO instant, in the camera's offset
 * when it wrote one. Undefined when absent or unreadable (cameras write zeros when unset).
 */
export function exifCaptureTime(dateTime: unknown, offset: unknown = undefined): string | undefined {
  if (typeof dateTime !== 'string') return undefined;
  const match = EXIF_DATE_TIME.exec(dateTime.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const zone = typeof offset === 'string' && OFFSET.test(offset.trim()) ? offset.trim() : DEFAULT_EXIF_OFFSET;
  const instant = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${zone}`);
  if (Number.isNaN(instant.getTime())) return undefined;
  // Date rolls 2025-02-30 over into March: such a stamp is not a real capture time.
  const local = new Date(instant.getTime() + zoneMinutes(zone) * 60_000);
  if (local.getUTCDate() !== Number(day) || local.getUTCMonth() + 1 !== Number(month)) return undefined;
  return instant.toISOString();
}

function zoneMinutes(zone: string): number {
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hours, minutes] = zone.slice(1).split(':').map(Number);
  return sign * ((hours ?? 0) * 60 + (minutes ?? 0));
}

/** The type the first bytes of a file say it is, whatever the uploader declared. */
export function sniffImageType(bytes: Uint8Array): PhotoContentType | undefined {
  const at = (i: number) => bytes[i] ?? -1;
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  if (at(0) === 0x89 && ascii(1, 4) === 'PNG' && at(4) === 0x0d && at(5) === 0x0a) return 'image/png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(4, 8) === 'ftyp' && ['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].includes(ascii(8, 12))) {
    return 'image/heic';
  }
  return undefined;
}

/** What the server found in the uploaded object and its EXIF. */
export interface PhotoFacts {
  householdId: string;
  photoId: string;
  step: string;
  sha256: string;
  /** What the photo shows; photos of the works (during, after) cannot predate the agreement. */
  kind?: Photo['kind'] | undefined;
  capturedAt?: string | undefined;
  location?: LatLon | undefined;
}

export interface EvidenceContext {
  /** The house location recorded on the application. */
  houseLocation?: LatLon | undefined;
  /** The village's recorded centre (program configuration): judged against when the house has no location. */
  villageLocation?: LatLon | undefined;
  maxVillageDistanceM?: number;
  /** Photos within the perceptual-hash distance (domain/rules/near-copy.ts); absent when the photo has no hash. */
  nearCopies?: NearCopyFindings | undefined;
  /** Other photos stored with the same SHA-256 (GSI1 `SHA#{sha256}`), the photo itself included or not. */
  sameHash: readonly Pick<Photo, 'householdId' | 'photoId' | 'step'>[];
  /** ISO time of the confirmation. */
  now: string;
  maxDistanceM?: number;
  /** `YYYY-MM-DD` (China date) the renovation agreement was signed, once it was. */
  agreementSignedOn?: string | undefined;
}

/** Photos that document the works themselves, so they are taken after the agreement. */
const WORKS_KINDS: readonly Photo['kind'][] = ['during', 'after', 'after-with-head'];

/** The flags of a photo, in a stable order. */
export function evidenceFlags(photo: PhotoFacts, context: EvidenceContext): EvidenceFlag[] {
  const flags: EvidenceFlag[] = [];
  const reused = context.sameHash.some(
    (other) =>
      other.photoId !== photo.photoId && (other.householdId !== photo.householdId || other.step !== photo.step),
  );
  if (reused) flags.push('duplicate-image');
  // An exact copy is already `duplicate-image`; the near-copy search finds it too, at distance 0.
  const exact = new Set(context.sameHash.map((other) => other.photoId));
  if (context.nearCopies?.otherHouseholds.some((m) => !exact.has(m.photoId))) flags.push('near-duplicate-image');
  if (context.nearCopies?.otherSteps.some((m) => !exact.has(m.photoId))) flags.push('near-duplicate-stage');
  if (!photo.location) flags.push('gps-missing');
  else if (context.houseLocation) {
    const distance = haversineMeters(photo.location, context.houseLocation);
    if (distance > (context.maxDistanceM ?? DEFAULT_MAX_PHOTO_DISTANCE_M)) flags.push('gps-far');
  } else if (context.villageLocation) {
    const distance = haversineMeters(photo.location, context.villageLocation);
    if (distance > (context.maxVillageDistanceM ?? DEFAULT_MAX_VILLAGE_DISTANCE_M)) flags.push('gps-far');
  }
  if (!photo.capturedAt) flags.push('capture-time-missing');
  else if (Date.parse(photo.capturedAt) > Date.parse(context.now) + CAPTURE_CLOCK_TOLERANCE_MS) {
    // Taken after its own confirmation: the upper end of the capture window.
    flags.push('capture-time-future');
  } else if (
    photo.kind !== undefined &&
    WORKS_KINDS.includes(photo.kind) &&
    context.agreementSignedOn !== undefined &&
    Date.parse(photo.capturedAt) < startOfChinaDay(context.agreementSignedOn)
  ) {
    flags.push('capture-time-outside-window');
  }
  return flags;
}

const DAY_MS = 86_400_000;

/**
 * A milestone inspected sooner after the previous passed milestone than the program allows
 * (`minDaysBetweenMilestones`) is flagged `stage-too-soon`: concrete needs its curing time, and a
 * quick succession of passes is how paper inspections show. Dates are `YYYY-MM-DD`.
 */
export function stageTimingFlags(input: {
  inspectedOn: string;
  previousPassedOn?: string | undefined;
  minDaysBetweenMilestones: number;
}): EvidenceFlag[] {
  if (input.previousPassedOn === undefined) return [];
  const days = Math.round((Date.parse(input.inspectedOn) - Date.parse(input.previousPassedOn)) / DAY_MS);
  return days < input.minDaysBetweenMilestones ? ['stage-too-soon'] : [];
}

/** Readable names of the photo flags, from the one table of names (domain/labels.ts). */
export const FLAG_TITLES: Readonly<Record<EvidenceFlag, Bilingual>> = Object.fromEntries(
  EVIDENCE_FLAGS.map((flag) => [flag, ALL_FLAG_TITLES[flag]]),
) as Record<EvidenceFlag, Bilingual>;

/**
 * The photos an inspection or acceptance cites: each must be a confirmed photo of this household,
 * and together they must include every required kind (e.g. `during` for a milestone, `after` and
 * `after-with-head` for acceptance). Returns field messages for `photoIds`, empty when satisfied.
 */
export function photoEvidenceProblems(
  householdPhotos: readonly Pick<Photo, 'photoId' | 'kind' | 'status'>[],
  photoIds: readonly string[],
  requiredKinds: readonly Photo['kind'][],
): FieldMessage[] {
  const problems: FieldMessage[] = [];
  const byId = new Map(householdPhotos.map((photo) => [photo.photoId, photo]));
  const kinds = new Set<Photo['kind']>();
  photoIds.forEach((photoId, index) => {
    const photo = byId.get(photoId);
    if (!photo) {
      problems.push({
        path: `photoIds.${index}`,
        message: { zh: `照片 ${photoId} 不属于该农户`, en: `Photo ${photoId} is not a photo of this household` },
      });
    } else if (photo.status !== 'confirmed') {
      problems.push({
        path: `photoIds.${index}`,
        message: {
          zh: `照片 ${photoId} 尚未上传确认`,
          en: `Photo ${photoId} is not confirmed yet (upload it, then confirm)`,
        },
      });
    } else {
      kinds.add(photo.kind);
    }
  });
  const missing = requiredKinds.filter((kind) => !kinds.has(kind));
  if (missing.length > 0) {
    problems.push({
      path: 'photoIds',
      message: {
        zh: `缺少已确认的照片类型：${missing.join('、')}`,
        en: `Confirmed photos of these kinds are required: ${missing.join(', ')}`,
      },
    });
  }
  return problems;
}
