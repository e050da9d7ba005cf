/**
 * The demo staff in Anju's users table, linked to their accounts at the twin's issuer (by subject), so their
 * tokens, from the login page or `POST /auth/dev-login`, stand for the roles and places of tools/demo/users.ts.
 * Written as the first administrator is (tools/users/bootstrap.ts): straight into the table with the operator's
 * credentials, each account with its first event. Accounts already there are left as they are (an administrator
 * may have changed them).
 */

import { createClients } from '../../functions/config/clients';
import { readConfig } from '../../functions/config/config';
import { createStore } from '../../functions/store';
import type { LocalAssembly } from '../../twin/assembly/assembly';
import { type BootstrapAccount, writeAccount } from '../users/bootstrap';
import type { DemoUser } from './users';

export async function seedDemoUsers(
  assembly: LocalAssembly,
  people: readonly DemoUser[],
  subjectOf: (username: string) => string | undefined,
): Promise<number> {
  const spec = assembly.functions.find((fn) => fn.logicalId.includes('UsersFn'));
  if (!spec) throw new Error('the assembly has no UsersFn to take the table name from');
  const { users } = createStore(createClients().documents, readConfig(spec.environment).tableName);
  let written = 0;
  for (const person of people) {
    if (await users.get(person.username)) continue;
    const subject = subjectOf(person.username);
    const account: BootstrapAccount = {
      username: person.username,
      displayName: person.displayName,
      roles: [...person.roles],
      province: person.county.slice(0, 2),
      county: person.county,
      ...(person.township === undefined ? {} : { township: person.township }),
      ...(subject === undefined ? {} : { subject }),
    };
    await writeAccount(users, account, new Date().toISOString());
    written += 1;
  }
  return written;
}
