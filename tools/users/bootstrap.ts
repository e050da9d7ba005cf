/**
 * The first administrator of a fresh deployment (docs/deploy.md, "The first administrator"): nobody can sign in to
 * create accounts until one exists, so the IT officer writes it straight into the stage's table with their own AWS
 * credentials, as an account with its first event (`actor: bootstrap`). In Cognito mode the person's sign-in is
 * created in the user pool first (the invitation mail carries the temporary password); in OpenID Connect mode the
 * account is linked at the person's first sign-in by their user name at the issuer, or at once with `--subject`.
 */
import { type Jurisdiction, levelOf, type StaffUser, userChange } from '../../domain/users';
import type { SignInAccounts } from '../../functions/accounts';
import type { UserStore } from '../../functions/store';

export type BootstrapAccount = Omit<StaffUser, 'enabled' | 'version' | 'createdAt' | 'updatedAt'>;

/** Writes a new, enabled account with its first event by `bootstrap`. */
export async function writeAccount(users: UserStore, account: BootstrapAccount, at: string): Promise<StaffUser> {
  const change = userChange(undefined, { ...account, enabled: true }, { at, actor: 'bootstrap', type: 'create' });
  await users.commit(undefined, change);
  return change.after;
}

/**
 * The first administrator of a province or county: refused when an enabled administrator already holds that place
 * (then an administrator adds people in the console), or when the user name is taken.
 */
export async function bootstrapAdministrator(
  users: UserStore,
  accounts: SignInAccounts,
  person: { username: string; displayName: string; email?: string; subject?: string; place: Jurisdiction },
  at: string,
): Promise<StaffUser> {
  const { place } = person;
  if (levelOf(place) === 'township') throw new Error('The first administrator is a county or province administrator.');
  const present = await users.list(place);
  const admin = present.items.find(
    (user) => user.enabled && user.roles.includes('admin') && user.township === undefined,
  );
  if (admin) {
    throw new Error(
      `${admin.displayName} (${admin.username}) already administers this ${place.county ? 'county' : 'province'}: add people in the console.`,
    );
  }
  if (await users.get(person.username)) throw new Error(`The user name ${person.username} is taken.`);
  const created = await accounts.create({
    username: person.username,
    displayName: person.displayName,
    ...(person.email === undefined ? {} : { email: person.email }),
  });
  const subject = created.subject ?? person.subject;
  return writeAccount(
    users,
    {
      username: person.username,
      displayName: person.displayName,
      roles: ['admin'],
      ...place,
      ...(person.email === undefined ? {} : { email: person.email }),
      ...(subject === undefined ? {} : { subject }),
    },
    at,
  );
}
