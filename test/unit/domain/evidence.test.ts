import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EvidenceContext,
  evidenceFlags,
  exifCaptureTime,
  haversineMeters,
  type PhotoFacts,
  photoEvidenceProblems,
  sniffImageType,
} from '../../../domain/rules/evidence';
import { jpegWithExif } from '../../../tools/demo/exif-jpeg';

const HOUSE = { lat: 24.9836, lon: 105.8121 };
const NOW = '2026-03-02T02:00:00.000Z';

function facts(overrides: Partial<PhotoFacts> = {}): PhotoFacts {
  return {
    householdId: 'hh-1',
    photoId: 'ph-1',
    step: 'milestone-inspection',
    sha256: 'a'.repeat(64),
    capturedAt: '2026-03-01T02:00:00.000Z',
    location: { lat: 24.9838, lon: 105.8123 },
    ...overrides,
  };
}

function context(overrides: Partial<EvidenceContext> = {}): EvidenceContext {
  return { houseLocation: HOUSE, sameHash: [], now: NOW, ...overrides };
}

describe('haversineMeters', () => {
  it('measures known distances', () => {
    // One degree of latitude is about 111.2 km anywhere.
    expect(haversineMeters({ lat: 24, lon: 105 }, { lat: 25, lon: 105 })).toBeCloseTo(111_195, -2);
    // Beijing to Shanghai, about 1,067 km.
    expect(haversineMeters({ lat: 39.9042, lon: 116.4074 }, { lat: 31.2304, lon: 121.4737 }) / 1000).toBeCloseTo(
      1067,
      -1,
    );
    expect(haversineMeters(HOUSE, HOUSE)).toBe(0);
  });

  it('is symmetric and never negative', () => {
    const point = fc.record({
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
    });
    fc.assert(
      fc.property(point, point, (a, b) => {
        const d = haversineMeters(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeCloseTo(haversineMeters(b, a), 6);
        expect(d).toBeLessThanOrEqual(Math.PI * 6_371_009);
      }),
    );
  });
});

describe('exifCaptureTime', () => {
  it('reads a bare EXIF time as Beijing time and honours a written offset', () => {
    expect(exifCaptureTime('2026:03:01 10:00:00')).toBe('2026-03-01T02:00:00.000Z');
    expect(exifCaptureTime('2026:03:01 10:00:00', '+00:00')).toBe('2026-03-01T10:00:00.000Z');
    expect(exifCaptureTime('2026:03:01 10:00:00', '-05:00')).toBe('2026-03-01T15:00:00.000Z');
  });

  it('refuses what is not a real time', () => {
    expect(exifCaptureTime(undefined)).toBeUndefined();
    expect(exifCaptureTime('0000:00:00 00:00:00')).toBeUndefined();
    expect(exifCaptureTime('2025:02:30 10:00:00')).toBeUndefined();
    expect(exifCaptureTime('yesterday')).toBeUndefined();
    expect(exifCaptureTime(20260301)).toBeUndefined();
  });
});

describe('sniffImageType', () => {
  it('recognizes the accepted image types by their first bytes', () => {
    expect(sniffImageType(jpegWithExif())).toBe('image/jpeg');
    expect(sniffImageType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImageType(Buffer.from('RIFF\x10\0\0\0WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffImageType(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1'))).toBe('image/heic');
  });

  it('does not take other files for images', () => {
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('%PDF-1.7'))).toBeUndefined();
    expect(sniffImageType(new Uint8Array())).toBeUndefined();
    expect(sniffImageType(Buffer.from('\0\0\0\x18ftypmp42', 'latin1'))).toBeUndefined();
  });
});

describe('evidenceFlags', () => {
  it('raises no flag for a photo taken at the house, in the past, never used elsewhere', () => {
    expect(evidenceFlags(facts(), context())).toEqual([]);
  });

  it('flags the same image used for another household or another step, not the photo itself', () => {
    const self = { householdId: 'hh-1', photoId: 'ph-1', step: 'milestone-inspection' };
    expect(evidenceFlags(facts(), context({ sameHash: [self] }))).toEqual([]);
    expect(
      evidenceFlags(
        facts(),
        context({ sameHash: [self, { householdId: 'hh-2', photoId: 'ph-9', step: 'milestone-inspection' }] }),
      ),
    ).toEqual(['duplicate-image']);
    expect(
      evidenceFlags(
        facts(),
        context({ sameHash: [{ householdId: 'hh-1', photoId: 'ph-2', step: 'final-acceptance' }] }),
      ),
    ).toEqual(['duplicate-image']);
  });

  it('flags a photo farther from the house than the limit (default 500 m)', () => {
    const about400m = { lat: HOUSE.lat + 0.0036, lon: HOUSE.lon };
    const about600m = { lat: HOUSE.lat + 0.0054, lon: HOUSE.lon };
    expect(evidenceFlags(facts({ location: about400m }), context())).toEqual([]);
    expect(evidenceFlags(facts({ location: about600m }), context())).toEqual(['gps-far']);
    expect(evidenceFlags(facts({ location: about400m }), context({ maxDistanceM: 300 }))).toEqual(['gps-far']);
    // Without a recorded house location the distance cannot be judged.
    expect(evidenceFlags(facts({ location: about600m }), context({ houseLocation: undefined }))).toEqual([]);
    expect(evidenceFlags(facts({ location: undefined }), context())).toEqual(['gps-missing']);
  });

  it('flags a missing capture time and one in the future beyond clock drift', () => {
    expect(evidenceFlags(facts({ capturedAt: undefined }), context())).toEqual(['capture-time-missing']);
    expect(evidenceFlags(facts({ capturedAt: '2026-03-02T02:05:00.000Z' }), context())).toEqual([]);
    expect(evidenceFlags(facts({ capturedAt: '2026-03-02T03:00:00.000Z' }), context())).toEqual([
      'capture-time-future',
    ]);
  });
});

describe('photoEvidenceProblems', () => {
  const photos = [
    { photoId: 'ph-d', kind: 'during', status: 'confirmed' },
    { photoId: 'ph-a', kind: 'after', status: 'confirmed' },
    { photoId: 'ph-h', kind: 'after-with-head', status: 'confirmed' },
    { photoId: 'ph-r', kind: 'during', status: 'requested' },
  ] as const;

  it('accepts confirmed photos of the household that cover the required kinds', () => {
    expect(photoEvidenceProblems(photos, ['ph-d'], ['during'])).toEqual([]);
    expect(photoEvidenceProblems(photos, ['ph-a', 'ph-h'], ['after', 'after-with-head'])).toEqual([]);
  });

  it('names each photo that is unknown or unconfirmed, and the kinds that are missing', () => {
    const problems = photoEvidenceProblems(photos, ['ph-x', 'ph-r', 'ph-a'], ['after', 'after-with-head']);
    expect(problems.map((p) => p.path)).toEqual(['photoIds.0', 'photoIds.1', 'photoIds']);
    expect(problems[2]?.message.en).toContain('after-with-head');
    for (const problem of problems) {
      expect(problem.message.zh).toMatch(/[\u3400-\u9fff]/);
      expect(problem.message.en).toMatch(/\S/);
    }
    // An unconfirmed photo does not count towards the required kinds.
    expect(photoEvidenceProblems(photos, ['ph-r'], ['during']).map((p) => p.path)).toEqual(['photoIds.0', 'photoIds']);
  });
});
