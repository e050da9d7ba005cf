/**
 * The dictionaries' names of codes, taken from the domain's one table (domain/labels.ts) rather
 * than copied: `t('phases.county-approval')`, `t('categories.other')`...
 */
import {
  CATEGORY_TITLES,
  CHECK_RESULT_TITLES,
  CHECKLIST_ITEM_TITLES,
  DECISION_TITLES,
  EVENT_TITLES,
  FLAG_TITLES,
  FOUND_BY_TITLES,
  GRADE_TITLES,
  type Language,
  MILESTONE_TITLES,
  MODE_TITLES,
  OUTCOME_TITLES,
  PAYMENT_STATUS_TITLES,
  PHASE_TITLES,
  PHOTO_KIND_TITLES,
  RESOLUTION_TITLES,
  ROLE_TITLES,
  SITE_TITLES,
  STRUCTURE_TITLES,
  SUPERVISION_STAGE_TITLES,
  TASK_STATUS_TITLES,
  titlesIn,
  VOTE_RESULT_TITLES,
} from '../../../domain/labels';

export function codeDictionary(language: Language) {
  return {
    roles: titlesIn(language, ROLE_TITLES),
    phases: titlesIn(language, PHASE_TITLES),
    events: titlesIn(language, EVENT_TITLES),
    categories: titlesIn(language, CATEGORY_TITLES),
    structures: titlesIn(language, STRUCTURE_TITLES),
    modes: titlesIn(language, MODE_TITLES),
    sites: titlesIn(language, SITE_TITLES),
    foundBy: titlesIn(language, FOUND_BY_TITLES),
    grades: titlesIn(language, GRADE_TITLES),
    milestones: titlesIn(language, MILESTONE_TITLES),
    outcomes: titlesIn(language, OUTCOME_TITLES),
    decisions: titlesIn(language, DECISION_TITLES),
    voteResults: titlesIn(language, VOTE_RESULT_TITLES),
    checkResults: titlesIn(language, CHECK_RESULT_TITLES),
    resolutions: titlesIn(language, RESOLUTION_TITLES),
    paymentStatus: titlesIn(language, PAYMENT_STATUS_TITLES),
    flags: titlesIn(language, FLAG_TITLES),
    photoKinds: titlesIn(language, PHOTO_KIND_TITLES),
    stages: titlesIn(language, SUPERVISION_STAGE_TITLES),
    taskStatus: titlesIn(language, TASK_STATUS_TITLES),
    checklist: titlesIn(language, CHECKLIST_ITEM_TITLES),
  };
}
