/** Staff accounts: `GET /users`, `POST /users`, `PATCH /users/{username}`, an account's history, names for user names. */
import { signInAccountsFor } from '../accounts';
import { lambdaEntry } from '../config/handler';
import { contractHandler } from '../http/router';
import type { Dependencies } from '../use-cases/dependencies';
import { createUser, listUsers, namesOf, patchUser, userHistory } from '../use-cases/users';

export const handlerWith = (deps: Dependencies, accounts = signInAccountsFor(deps.identity)) => {
  const users = { ...deps, accounts };
  const now = () => new Date().toISOString();
  return contractHandler(
    'UsersFn',
    {
      'GET /users': async ({ actor, query, ok }) => ok(await listUsers(users, actor, query)),
      'POST /users': async ({ actor, body, ok }) => ok(await createUser(users, actor, body, now())),
      'PATCH /users/{username}': async ({ actor, params, body, ok }) =>
        ok(await patchUser(users, actor, params.username, body, now())),
      'GET /users/{username}/history': async ({ actor, params, ok }) =>
        ok(await userHistory(users, actor, params.username)),
      'GET /users/names': async ({ actor, query, ok }) => ok(await namesOf(deps, actor, query.usernames)),
    },
    deps.callers,
  );
};

export const handler = lambdaEntry((deps) => handlerWith(deps));
