import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evidenceFlags } from '../../../domain/rules/evidence';
import {
  findNearCopies,
  hammingDistance,
  isNearCopy,
  NEAR_COPY_MAX_DISTANCE,
  PHASH_BANDS,
  phashBands,
  phashHex,
  photoDistance,
} from '../../../domain/rules/near-copy';

const hex64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => n.toString(16).padStart(16, '0'));
const flip = (hash: string, bits: readonly number[]) =>
  bits
    .reduce((n, bit) => n ^ (1n << BigInt(bit)), BigInt(`0x${hash}`))
    .toString(16)
    .padStart(16, '0');

describe('phashHex and hammingDistance', () => {
  it('turns sharp-phash bits into 16 hex digits, most significant first', () => {
    expect(phashHex(`1111${'0'.repeat(59)}1`)).toBe('f000000000000001');
    expect(() => phashHex('0101')).toThrow(RangeError);
  });

  it('counts differing bits: zero to itself, symmetric, 64 to its complement', () => {
    fc.assert(
      fc.property(hex64, hex64, (a, b) => {
        expect(hammingDistance(a, a)).toBe(0);
        expect(hammingDistance(a, b)).toBe(hammingDistance(b, a));
        const complement = (BigInt(`0x${a}`) ^ ((1n << 64n) - 1n)).toString(16).padStart(16, '0');
        expect(hammingDistance(a, complement)).toBe(64);
      }),
    );
    expect(() => hammingDistance('xyz', '0'.repeat(16))).toThrow(RangeError);
  });

  it('is exactly the number of bits flipped', () => {
    fc.assert(
      fc.property(hex64, fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 20 }), (hash, bits) => {
        expect(hammingDistance(hash, flip(hash, bits))).toBe(bits.length);
      }),
    );
  });
});

describe('phashBands: the index keys', () => {
  it('cuts a hash into 8 keys, each naming its band', () => {
    expect(phashBands('0123456789abcdef')).toEqual(['001', '123', '245', '367', '489', '5ab', '6cd', '7ef']);
    expect(PHASH_BANDS).toBe(8);
  });

  it('finds every hash within 7 bits through a shared band (pigeonhole), so the query misses none of them', () => {
    fc.assert(
      fc.property(hex64, fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 7 }), (hash, bits) => {
        const near = new Set(phashBands(flip(hash, bits)));
        expect(phashBands(hash).some((band) => near.has(band))).toBe(true);
      }),
    );
  });
});

describe('photoDistance and findNearCopies', () => {
  const a = { full: '0f0f0f0f0f0f0f0f', crops: ['ffff0000ffff0000', '1234123412341234'] };

  it('compares the whole frame with the other photo’s central crops, either way round, never crop with crop', () => {
    expect(photoDistance(a, { full: flip('ffff0000ffff0000', [1, 2]), crops: [] })).toBe(2);
    expect(photoDistance({ full: flip('0f0f0f0f0f0f0f0f', [5]), crops: [] }, a)).toBe(1);
    const cropsOnly = { full: 'aaaaaaaaaaaaaaaa', crops: ['1234123412341234'] };
    expect(photoDistance(a, cropsOnly)).toBeGreaterThan(NEAR_COPY_MAX_DISTANCE);
    expect(isNearCopy(a, { full: flip(a.full, [0, 1, 2, 3, 4, 5, 6, 7]), crops: [] })).toBe(true);
    expect(isNearCopy(a, { full: flip(a.full, [0, 1, 2, 3, 4, 5, 6, 7, 8]), crops: [] })).toBe(false);
  });

  it('skips the photo itself and the same household’s photos of the same step, and sorts the rest closest first', () => {
    const photo = { householdId: 'hh-1', photoId: 'ph-1', step: 'final-acceptance', hashes: a };
    const near = (n: number) => ({
      full: flip(
        a.full,
        Array.from({ length: n }, (_, i) => i),
      ),
      crops: [],
    });
    const findings = findNearCopies(photo, [
      { ...photo },
      { householdId: 'hh-1', photoId: 'ph-2', step: 'final-acceptance', hashes: near(1) },
      { householdId: 'hh-1', photoId: 'ph-3', step: 'milestone-inspection', hashes: near(3) },
      { householdId: 'hh-2', photoId: 'ph-4', step: 'final-acceptance', hashes: near(6) },
      { householdId: 'hh-3', photoId: 'ph-5', step: 'final-acceptance', hashes: near(2) },
      { householdId: 'hh-3', photoId: 'ph-5', step: 'final-acceptance', hashes: near(2) },
      { householdId: 'hh-4', photoId: 'ph-6', step: 'final-acceptance', hashes: near(20) },
    ]);
    expect(findings.otherHouseholds).toEqual([
      { householdId: 'hh-3', photoId: 'ph-5', step: 'final-acceptance', distance: 2 },
      { householdId: 'hh-2', photoId: 'ph-4', step: 'final-acceptance', distance: 6 },
    ]);
    expect(findings.otherSteps.map((m) => m.photoId)).toEqual(['ph-3']);
  });
});

describe('near-copy flags on a photo', () => {
  const photo = {
    householdId: 'hh-1',
    photoId: 'ph-1',
    step: 'milestone-inspection',
    sha256: 'a'.repeat(64),
    location: { lat: 26.5, lon: 107.5 },
    capturedAt: '2026-04-01T02:00:00.000Z',
  };
  const context = { sameHash: [], now: '2026-04-02T00:00:00.000Z' };
  const match = (householdId: string, photoId: string, step: string) => ({ householdId, photoId, step, distance: 3 });

  it('flags a near-copy in another household and one in another step of the same household', () => {
    const nearCopies = {
      otherHouseholds: [match('hh-2', 'ph-7', 'milestone-inspection')],
      otherSteps: [match('hh-1', 'ph-0', 'safety-appraisal')],
    };
    expect(evidenceFlags(photo, { ...context, nearCopies })).toEqual(['near-duplicate-image', 'near-duplicate-stage']);
    expect(evidenceFlags(photo, { ...context, nearCopies: { otherHouseholds: [], otherSteps: [] } })).toEqual([]);
  });

  it('does not flag an exact copy twice: it is duplicate-image', () => {
    const sameHash = [{ householdId: 'hh-2', photoId: 'ph-7', step: 'milestone-inspection' }];
    const nearCopies = { otherHouseholds: [match('hh-2', 'ph-7', 'milestone-inspection')], otherSteps: [] };
    expect(evidenceFlags(photo, { ...context, sameHash, nearCopies })).toEqual(['duplicate-image']);
  });
});

describe('location without the house position', () => {
  const photo = {
    householdId: 'hh-1',
    photoId: 'ph-1',
    step: 'milestone-inspection',
    sha256: 'a'.repeat(64),
    capturedAt: '2026-04-01T02:00:00.000Z',
  };
  const context = { sameHash: [], now: '2026-04-02T00:00:00.000Z', villageLocation: { lat: 26.5, lon: 107.5 } };

  it('flags a photo 50 km from the village when the house has no recorded position', () => {
    // 0.45 degrees of latitude is about 50 km.
    expect(evidenceFlags({ ...photo, location: { lat: 26.95, lon: 107.5 } }, context)).toEqual(['gps-far']);
    expect(evidenceFlags({ ...photo, location: { lat: 26.51, lon: 107.51 } }, context)).toEqual([]);
  });

  it('prefers the house position, with its tighter limit, when there is one', () => {
    const atVillageCentre = { ...photo, location: { lat: 26.5, lon: 107.5 } };
    expect(evidenceFlags(atVillageCentre, { ...context, houseLocation: { lat: 26.52, lon: 107.5 } })).toEqual([
      'gps-far',
    ]);
  });
});
