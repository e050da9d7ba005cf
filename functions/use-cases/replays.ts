/**
 * An answer given again under its Idempotency-Key (use-cases/idempotent.ts), rebuilt from what its record kept: the
 * household file read again with its links signed afresh, a photo upload signed afresh, or a small body as it was.
 * The caller's rights are checked again: a replay shows nothing its caller could not read now.
 */
import type { Actor } from '../../domain/model';
import type { ReplayRecipe } from '../store';
import type { Dependencies } from './dependencies';
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
