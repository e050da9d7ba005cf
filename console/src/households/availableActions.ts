import { ACTIONS, type Action, type Role } from '../../../domain/model';
import { phasesOfAction, rolesOfAction, stepForAction } from '../../../process/renovation';
import type { HouseholdFile } from '../api/types';

/**
 * The actions this user may take on the household now, from the same process description the API
 * and the state machine use: the step's own action while its task is open, and side actions
 * (objection, supervision, moving in) of the phase. The API still decides; this only picks the forms to show.
 */
export function availableActions(file: HouseholdFile, roles: readonly Role[]): Action[] {
  return ACTIONS.filter((action) => {
    const step = stepForAction(action);
    if (!phasesOfAction(step).includes(file.phase)) return false;
    // Moving in is recorded once, after a passed acceptance.
    if (action === 'move-in' && !mayMoveIn(file)) return false;
    if (!rolesOfAction(step).some((role) => roles.includes(role) || roles.includes('admin'))) return false;
    return step.side || file.task !== null;
  });
}

function mayMoveIn(file: HouseholdFile): boolean {
  const works = file.household.works;
  const accepted = works?.acceptedOn !== undefined || file.phase === 'archiving' || file.phase === 'archived';
  return accepted && works?.movedInOn === undefined;
}
