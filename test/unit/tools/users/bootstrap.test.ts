import { describe, expect, it } from 'vitest';
import { type StaffUser, userChange } from '../../../../domain/users';
import { outsideIssuerAccounts, type SignInAccounts } from '../../../../functions/accounts';
import type { UserRecord, UserStore } from '../../../../functions/store';
import { bootstrapAdministrator } from '../../../../tools/users/bootstrap';

const AT = '2026-03-01T02:00:00.000Z';

function memoryUsers(existing: Omit<StaffUser, 'version' | 'createdAt' | 'updatedAt'>[] = []) {
  const records = new Map<string, UserRecord>();
  const events: { actor: string; type: string }[] = [];
  for (const user of existing) {
    const { after, event } = userChange(undefined, user, { at: AT, actor: 'bootstrap', type: 'create' });
    records.set(after.username, { user: after, lastHash: event.hash });
  }
  const users: UserStore = {
    get: async (username) => records.get(username),
    bySubject: async () => undefined,
    list: async (filter) => ({
      items: [...records.values()]
        .map((record) => record.user)
        .filter((user) => (filter.county ? user.county === filter.county : user.county === undefined)),
    }),
    many: async () => [],
    events: async () => [],
    commit: async (_before, { after, event }) => {
      records.set(after.username, { user: after, lastHash: event.hash });
      events.push({ actor: event.actor, type: event.type });
    },
  };
  return { users, records, events };
}

const place = { province: '52', county: '522327' };
const person = { username: 'zhang.admin', displayName: '张三', place };

describe('the first administrator', () => {
  it('is written with its first event by bootstrap, to be linked at first sign-in', async () => {
    const { users, events } = memoryUsers();

    const admin = await bootstrapAdministrator(users, outsideIssuerAccounts, person, AT);

    expect(admin).toMatchObject({ roles: ['admin'], county: '522327', enabled: true, version: 1 });
    expect(admin.subject).toBeUndefined();
    expect(events).toEqual([{ actor: 'bootstrap', type: 'create' }]);
  });

  it('gets its sign-in from the user pool in Cognito mode', async () => {
    const { users } = memoryUsers();
    const invited: string[] = [];
    const pool: SignInAccounts = {
      ...outsideIssuerAccounts,
      mode: 'cognito',
      create: async ({ username }) => {
        invited.push(username);
        return { subject: 'cog-1' };
      },
    };

    const admin = await bootstrapAdministrator(users, pool, { ...person, email: 'zhang@example.gov.cn' }, AT);

    expect(invited).toEqual(['zhang.admin']);
    expect(admin.subject).toBe('cog-1');
  });

  it('is refused once the county has an enabled administrator, and for a township', async () => {
    const { users } = memoryUsers([
      { username: 'sun.guanli', displayName: '孙磊', roles: ['admin'], ...place, enabled: true },
    ]);

    await expect(bootstrapAdministrator(users, outsideIssuerAccounts, person, AT)).rejects.toThrow(
      /already administers/,
    );
    await expect(
      bootstrapAdministrator(
        memoryUsers().users,
        outsideIssuerAccounts,
        { ...person, place: { ...place, township: '522327100' } },
        AT,
      ),
    ).rejects.toThrow(/county or province/);
  });
});
