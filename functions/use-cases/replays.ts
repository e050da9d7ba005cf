/**
 * An answer given again under its Idempotency-Key (use-cases/idempotent.ts), rebuilt from what its record kept: the
 * household file read again with its links signed afresh, a photo upload signed afresh, or a small body as it was.
 * The caller's rights are checked again: a replay shows nothing its caller could not read now.
 */
import type { Actor } from '../../domain/model';
import type { ReplayRecipe } from '../store';
import type { Dependencies } from './dependencies';
import { IDEMPOTENCY_HEADER, idempotent, type Replayable } from './idempotent';
import { readLedgerFile } from './monitoring/ledger';
import { resignLedgerPhotoUpload } from './monitoring/photos';
import { resignPhotoUpload } from './photos';
import { readHousehold } from './read-households';

export function replayFor(deps: Pick<Dependencies, 'store' | 'evidence'>, actor: Actor) {
  return async (recipe: ReplayRecipe): Promise<unknown> => {
    switch (recipe.kind) {
      case 'body':
        return recipe.body;
      case 'household':
        return readHousehold(deps, actor, recipe.householdId);
      case 'photo-upload':
        return resignPhotoUpload(deps, actor, recipe.householdId, recipe.photoId);
      case 'ledger':
        return readLedgerFile(deps, actor, recipe.ledgerId);
      case 'ledger-photo-upload':
        return resignLedgerPhotoUpload(deps, actor, recipe.ledgerId, recipe.photoId);
    }
  };
}

/** What a route's handler is given of its request (functions/http/router.ts) that a write under a key needs. */
export interface KeyedRequest {
  readonly actor: Actor;
  readonly sentBody: unknown;
  header(name: string): string | undefined;
}

/**
 * A write under the request's Idempotency-Key (when it has one): done once; a repeat with the same key and body is
 * answered from its record by `replayFor`, a different body under the key refused.
 */
export function idempotentWrite(
  deps: Pick<Dependencies, 'store' | 'evidence'>,
  { actor, sentBody, header }: KeyedRequest,
  act: () => Promise<Replayable>,
) {
  return idempotent(deps.store.idempotency, actor, header(IDEMPOTENCY_HEADER), sentBody, act, replayFor(deps, actor));
}
