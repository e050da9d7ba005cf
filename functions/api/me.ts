/**
 * `GET /me`: the caller's account (user name, name, roles, jurisdiction), read from Anju's users table. The console
 * calls it first after signing in, so a person whose account an administrator created before knowing their
 * issuer subject is linked here, at their first sign-in (use-cases/callers.ts).
 */
import { lambdaEntry } from '../config/handler';
import { signInOf } from '../http/caller';
import { contractHandler } from '../http/router';
import { linkingCallers } from '../use-cases/callers';
import type { Dependencies } from '../use-cases/dependencies';

export const handlerWith = (deps: Dependencies) => {
  const callers = linkingCallers(deps.callers, deps.store.users);
  return contractHandler(
    'MeFn',
    {
      'GET /me': async ({ actor, event, ok }) => {
        const { displayName } = await callers.userOf(signInOf(event, callers.signInNameClaim));
        return ok({ ...actor, displayName });
      },
    },
    callers,
  );
};

export const handler = lambdaEntry(handlerWith);
