import { describe, expect, it } from 'vitest';
import { demoProgram } from '../../../../contract/examples';
import { ROLES } from '../../../../domain/model';
import { demoUsers } from '../../../../tools/demo/users';

describe('the demo users', () => {
  it('has a county user for every role and three staff per township, with unique ASCII usernames', () => {
    const usernames = demoUsers.map((u) => u.username);
    expect(new Set(usernames).size).toBe(usernames.length);
    for (const role of ROLES) {
      expect(
        demoUsers.some((u) => u.township === undefined && u.roles.includes(role)),
        role,
      ).toBe(true);
    }
    for (const township of demoProgram.townships) {
      const staff = demoUsers.filter((u) => u.township === township.code).flatMap((u) => u.roles);
      expect(staff.sort()).toEqual(['civil-affairs', 'construction', 'inspector']);
    }
    expect(usernames).toContain('zhang.minzheng');
  });
});
