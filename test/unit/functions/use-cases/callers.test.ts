import { describe, expect, it } from 'vitest';
import { type StaffUser, userChange } from '../../../../domain/users';
import type { UserRecord, UserStore } from '../../../../functions/store';
import {
  callersFrom,
  DisabledAccountError,
  linkingCallers,
  NotLinkedError,
} from '../../../../functions/use-cases/callers';

const AT = '2026-03-01T02:00:00.000Z';

/** A users table in memory with the store's own linking rules (one subject, one account). */
function memoryUsers() {
  const records = new Map<string, UserRecord>();
  const reads: string[] = [];
  const users: UserStore = {
    get: async (username) => records.get(username),
    bySubject: async (subject) => {
      reads.push(subject);
      return [...records.values()].map((r) => r.user).find((user) => user.subject === subject);
    },
    list: async () => ({ items: [] }),
    many: async () => [],
    events: async () => [],
    commit: async (_before, { after, event }) => {
      records.set(after.username, { user: after, lastHash: event.hash });
    },
  };
  const add = (user: Omit<StaffUser, 'version' | 'createdAt' | 'updatedAt'>) => {
    const { after, event } = userChange(undefined, user, { at: AT, actor: 'sun.guanli', type: 'create' });
    records.set(after.username, { user: after, lastHash: event.hash });
  };
  return { users, records, reads, add };
}

const clerk = {
  username: 'wu.zhujian',
  displayName: '吴强',
  roles: ['construction' as const],
  province: '52',
  county: '522327',
  township: '522327101',
  enabled: true,
};

describe('callers', () => {
  it('remember an account for the freshness bound only: a disabled account is refused once it has passed', async () => {
    const { users, records, reads, add } = memoryUsers();
    add({ ...clerk, subject: 's-1' });
    let now = 0;
    const callers = callersFrom(users, { signInNameClaim: 'preferred_username', freshForMs: 10_000, clock: () => now });

    await callers.userOf({ subject: 's-1' });
    const record = records.get('wu.zhujian');
    if (!record) throw new Error('seeded');
    records.set('wu.zhujian', { ...record, user: { ...record.user, enabled: false } });
    now = 9_999;
    await expect(callers.userOf({ subject: 's-1' })).resolves.toMatchObject({ enabled: true });
    now = 10_000;
    await expect(callers.userOf({ subject: 's-1' })).rejects.toThrow(DisabledAccountError);
    expect(reads).toEqual(['s-1', 's-1']);
  });

  it('forget an account at once on the container that changed it', async () => {
    const { users, reads, add } = memoryUsers();
    add({ ...clerk, subject: 's-1' });
    const callers = callersFrom(users, { signInNameClaim: 'preferred_username', freshForMs: 60_000 });

    await callers.userOf({ subject: 's-1' });
    callers.forget('wu.zhujian');
    await callers.userOf({ subject: 's-1' });

    expect(reads).toHaveLength(2);
  });

  it('refuse a subject no account is linked to, and never remember the refusal', async () => {
    const { users, reads } = memoryUsers();
    const callers = callersFrom(users, { signInNameClaim: 'preferred_username', freshForMs: 60_000 });

    await expect(callers.userOf({ subject: 'stranger' })).rejects.toThrow(NotLinkedError);
    await expect(callers.userOf({ subject: 'stranger' })).rejects.toThrow(NotLinkedError);
    expect(reads).toHaveLength(2);
  });
});

describe('the first sign-in', () => {
  it("links an unlinked, enabled account named by the token's sign-in name, as an event of its chain", async () => {
    const { users, records, add } = memoryUsers();
    add(clerk);
    const callers = linkingCallers(
      callersFrom(users, { signInNameClaim: 'preferred_username', freshForMs: 0 }),
      users,
      () => new Date(AT),
    );

    const user = await callers.userOf({ subject: 'kc-42', signInName: 'Wu.Zhujian' });

    expect(user).toMatchObject({ username: 'wu.zhujian', subject: 'kc-42', version: 2 });
    expect(records.get('wu.zhujian')?.user.subject).toBe('kc-42');
  });

  it('never links an account that is linked already, disabled, or not named by the token', async () => {
    const { users, add } = memoryUsers();
    add({ ...clerk, subject: 'kc-1' });
    add({ ...clerk, username: 'off.duty', enabled: false });
    const callers = linkingCallers(callersFrom(users, { signInNameClaim: 'preferred_username', freshForMs: 0 }), users);

    await expect(callers.userOf({ subject: 'kc-2', signInName: 'wu.zhujian' })).rejects.toThrow(NotLinkedError);
    await expect(callers.userOf({ subject: 'kc-3', signInName: 'off.duty' })).rejects.toThrow(DisabledAccountError);
    await expect(callers.userOf({ subject: 'kc-4' })).rejects.toThrow(NotLinkedError);
  });
});
