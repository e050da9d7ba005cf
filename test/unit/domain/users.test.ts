import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '../../../domain/errors';
import { type Actor, ROLES, type Role } from '../../../domain/model';
import { verifyChain } from '../../../domain/rules/audit';
import {
  actorOfUser,
  assertMayManage,
  checkedJurisdiction,
  covers,
  type Jurisdiction,
  maySee,
  patchedUser,
  type StaffPatch,
  type StaffUser,
  userChange,
} from '../../../domain/users';

const AT = '2026-03-01T02:00:00.000Z';
const COUNTY = '522327';
const TOWNSHIP = '522327100';
const OTHER_TOWNSHIP = '522327101';
const OTHER_COUNTY = '522328';

function user(overrides: Partial<StaffUser> = {}): StaffUser {
  return {
    username: 'zhang.minzheng',
    displayName: '张敏',
    roles: ['civil-affairs'],
    province: '52',
    county: COUNTY,
    township: TOWNSHIP,
    enabled: true,
    createdAt: AT,
    updatedAt: AT,
    version: 1,
    ...overrides,
  };
}

const admin = (place: Partial<Actor>, username = 'an.admin'): Actor => ({
  username,
  roles: ['admin'],
  province: '52',
  ...place,
});
const provinceAdmin = admin({}, 'prov.admin');
const countyAdmin = admin({ county: COUNTY }, 'county.admin');
const townshipAdmin = admin({ county: COUNTY, township: TOWNSHIP }, 'town.admin');

describe('who may manage whom', () => {
  const countyLevel: Jurisdiction = { province: '52', county: COUNTY };
  const inTownship: Jurisdiction = { province: '52', county: COUNTY, township: TOWNSHIP };
  const inOtherTownship: Jurisdiction = { province: '52', county: COUNTY, township: OTHER_TOWNSHIP };
  const otherCounty: Jurisdiction = { province: '52', county: OTHER_COUNTY };
  const otherProvince: Jurisdiction = { province: '53', county: '530102' };

  it.each([
    ['a province admin', provinceAdmin, [countyLevel, inTownship, otherCounty, { province: '52' }], [otherProvince]],
    ['a county admin', countyAdmin, [countyLevel, inTownship, inOtherTownship], [otherCounty, { province: '52' }]],
    ['a township admin', townshipAdmin, [inTownship], [countyLevel, inOtherTownship, otherCounty]],
  ] as const)('%s manages inside its jurisdiction only', (_name, manager, inside, outside) => {
    for (const place of inside) expect(() => assertMayManage(manager, place)).not.toThrow();
    for (const place of outside) expect(() => assertMayManage(manager, place)).toThrow(ForbiddenError);
  });

  it('takes the admin role: no other role manages accounts, wherever it sits', () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect(() => assertMayManage({ username: 'x', roles: [role], county: COUNTY }, inTownship)).toThrow(
        ForbiddenError,
      );
    }
  });

  it('lets staff see accounts of their own county, and admins those they manage', () => {
    const clerk: Actor = { username: 'c', roles: ['finance'], county: COUNTY, township: TOWNSHIP };
    expect(maySee(clerk, inOtherTownship)).toBe(true);
    expect(maySee(clerk, otherCounty)).toBe(false);
    expect(maySee(provinceAdmin, otherCounty)).toBe(true);
    expect(maySee({ ...provinceAdmin, roles: ['leader'] }, otherCounty)).toBe(false);
  });

  it('covers by level', () => {
    expect(covers({ province: '52' }, otherCounty)).toBe(true);
    expect(covers(countyLevel, inTownship)).toBe(true);
    expect(covers(inTownship, countyLevel)).toBe(false);
  });
});

describe('a jurisdiction holds together', () => {
  it('refuses a township outside its county and a county outside its province, naming the field', () => {
    expect(() => checkedJurisdiction({ province: '52', county: COUNTY, township: '522328100' })).toThrow(
      ValidationError,
    );
    expect(() => checkedJurisdiction({ province: '53', county: COUNTY })).toThrow(ValidationError);
    expect(() => checkedJurisdiction({ province: '52', township: TOWNSHIP })).toThrow(ValidationError);
    expect(checkedJurisdiction({ province: '52', county: COUNTY })).toEqual({ province: '52', county: COUNTY });
  });
});

describe('no self-elevation', () => {
  const self = user({ username: 'county.admin', roles: ['admin'], township: undefined });
  const selfActor = actorOfUser(self);

  it.each<[string, StaffPatch]>([
    ['roles', { roles: ['admin', 'finance'] }],
    ['jurisdiction', { jurisdiction: { province: '52' } }],
    ['a narrower jurisdiction', { jurisdiction: { province: '52', county: COUNTY, township: TOWNSHIP } }],
    ['enabled', { enabled: true }],
    ['the sign-in link', { unlink: true }],
    ['the password', { resetPassword: true }],
  ])('refuses an administrator changing their own %s', (_what, patch) => {
    expect(() => patchedUser(selfActor, self, patch)).toThrow(ForbiddenError);
  });

  it('lets anyone correct their own name and e-mail', () => {
    const after = patchedUser(selfActor, self, { displayName: '孙磊', email: 'sun@example.gov.cn' });
    expect(after).toMatchObject({ displayName: '孙磊', email: 'sun@example.gov.cn', roles: ['admin'] });
  });

  it("never lets a patch of one's own account change roles, place or state (property)", () => {
    const roles = fc.subarray([...ROLES] as Role[], { minLength: 1 });
    const patch = fc.record(
      {
        displayName: fc.constantFrom('甲', '乙'),
        roles,
        jurisdiction: fc.constantFrom<Jurisdiction>(
          { province: '52' },
          { province: '52', county: COUNTY },
          { province: '52', county: COUNTY, township: OTHER_TOWNSHIP },
        ),
        enabled: fc.boolean(),
        unlink: fc.constant(true as const),
        resetPassword: fc.constant(true as const),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(patch, (p) => {
        let after: StaffUser;
        try {
          after = patchedUser(selfActor, self, p);
        } catch (error) {
          return error instanceof ForbiddenError;
        }
        return (
          JSON.stringify(after.roles) === JSON.stringify(self.roles) &&
          after.county === self.county &&
          after.township === self.township &&
          after.province === self.province &&
          after.enabled === self.enabled
        );
      }),
    );
  });

  it("refuses moving an account out of the manager's jurisdiction, and into it from outside", () => {
    const clerk = user();
    expect(() =>
      patchedUser(townshipAdmin, clerk, { jurisdiction: { province: '52', county: COUNTY, township: OTHER_TOWNSHIP } }),
    ).toThrow(ForbiddenError);
    expect(() => patchedUser(townshipAdmin, clerk, { jurisdiction: { province: '52', county: COUNTY } })).toThrow(
      ForbiddenError,
    );
    const elsewhere = user({ county: OTHER_COUNTY, township: undefined });
    expect(() => patchedUser(countyAdmin, elsewhere, { jurisdiction: { province: '52', county: COUNTY } })).toThrow(
      ForbiddenError,
    );
    expect(patchedUser(countyAdmin, clerk, { jurisdiction: { province: '52', county: COUNTY } }).township).toBe(
      undefined,
    );
  });

  it('keeps the subject unless unlinked', () => {
    const linked = user({ subject: 'sub-1' });
    expect(patchedUser(countyAdmin, linked, { enabled: false }).subject).toBe('sub-1');
    expect(patchedUser(countyAdmin, linked, { unlink: true }).subject).toBeUndefined();
  });
});

describe("an account's audit chain", () => {
  it('numbers events by version and chains them so a changed event breaks the chain', () => {
    const created = userChange(undefined, user({ version: undefined as never }), {
      at: AT,
      actor: 'county.admin',
      type: 'create',
    });
    expect(created.after.version).toBe(1);
    expect(created.event.details).toMatchObject({ roles: { to: ['civil-affairs'] } });
    const disabled = userChange(
      { user: created.after, lastHash: created.event.hash },
      { ...created.after, enabled: false },
      { at: '2026-03-02T02:00:00.000Z', actor: 'county.admin', type: 'change' },
    );
    expect(disabled.after).toMatchObject({ version: 2, enabled: false, createdAt: AT });
    expect(disabled.event.details).toEqual({ enabled: { from: true, to: false } });
    expect(verifyChain([created.event, disabled.event], 2)).toEqual({ ok: true });
    const forged = { ...disabled.event, details: { enabled: { from: true, to: true } } };
    expect(verifyChain([created.event, forged], 2)).toEqual({ ok: false, brokenAt: 2 });
    expect(verifyChain([created.event], 2)).toEqual({ ok: false, brokenAt: 2 });
  });
});
