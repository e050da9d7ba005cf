/**
 * The demo staff who act on a household of the demo program, logged in through the local dev login:
 * its township's civil affairs, construction and inspector staff, the county's construction office
 * and the county's finance (who prepares a release).
 */
import { demoProgram } from '../../contract/examples';
import type { Role } from '../../domain/model';
import { demoUsers } from '../demo/users';
import { login } from './client';

export type ActingUser = { readonly username: string; readonly token: string };

export type Staff = {
  readonly civil: ActingUser;
  readonly construction: ActingUser;
  readonly inspector: ActingUser;
  readonly county: ActingUser;
  readonly finance: ActingUser;
};

/** Logs in the staff who act on a household of `villageCode`. */
export async function staffFor(url: string, villageCode: string): Promise<Staff> {
  const township = demoProgram.townships.find((t) => t.villages.some((v) => v.code === villageCode))?.code;
  const pick = async (role: Role, inTownship: string | undefined): Promise<ActingUser> => {
    const user = demoUsers.find((u) => u.roles.includes(role) && u.township === inTownship);
    if (!user) throw new Error(`no demo ${role} user in ${inTownship ?? 'the county'}`);
    return { username: user.username, token: await login(url, user.username) };
  };
  return {
    civil: await pick('civil-affairs', township),
    construction: await pick('construction', township),
    inspector: await pick('inspector', township),
    county: await pick('construction', undefined),
    finance: await pick('finance', undefined),
  };
}

/** `staffFor`, logged in once per township: tokens survive restarts (the signing key is in the data folder). */
export class DemoStaff {
  private readonly byTownship = new Map<string, Promise<Staff>>();
  constructor(private readonly url: () => string) {}

  for(villageCode: string): Promise<Staff> {
    const township = demoProgram.townships.find((t) => t.villages.some((v) => v.code === villageCode))?.code ?? '';
    const known = this.byTownship.get(township);
    if (known) return known;
    const staff = staffFor(this.url(), villageCode);
    this.byTownship.set(township, staff);
    return staff;
  }
}
