/**
 * What each action's form asks for. The body schemas themselves are the domain's
 * (domain/actions.ts); this list only says how to ask for each field, in business order.
 */
import { SUPERVISION_STAGES } from '../../../domain/actions';
import { MILESTONE_CHECKLISTS } from '../../../domain/labels';
import type { Action } from '../../../domain/model';
import type { PhotoKind } from '../api/types';

export type FieldKind =
  | 'milestone'
  | 'installment'
  | 'text'
  | 'textarea'
  | 'int'
  | 'number'
  | 'date'
  | 'select'
  | 'yuan'
  | 'switch'
  | 'checklist'
  | 'photos';

export interface FieldSpec {
  /** Dotted path in the request body; also the form field name. */
  readonly path: string;
  /** Key under `fields.` of the dictionaries. */
  readonly label: string;
  readonly kind: FieldKind;
  readonly options?: readonly string[];
  /** The dictionary section naming the options (`decisions.approve`...). */
  readonly optionLabels?: 'decisions' | 'voteResults' | 'checkResults' | 'resolutions' | 'modes' | 'grades' | 'stages';
  /** A date of something that already happened: a date after today is refused in the form. */
  readonly notFuture?: boolean;
  /** Checklist items follow the milestone due (foundation, main structure...) instead of `items`. */
  readonly itemsOfDueMilestone?: boolean;
  /** Checklist items (keys of the record the body sends). */
  readonly items?: readonly string[];
  /** Photo kinds a `photos` field offers. */
  readonly photoKinds?: readonly PhotoKind[];
  readonly required?: boolean;
  /** Shown only when the other values call for it (a reason for a rejection, a rectification for a failure). */
  readonly when?: (values: Record<string, unknown>) => boolean;
}

const notApproved = (v: Record<string, unknown>) => v.decision !== undefined && v.decision !== 'approve';
const failed = (v: Record<string, unknown>) => v.result === 'fail';
const visited = (v: Record<string, unknown>) => (v.spotCheck as { visited?: boolean } | undefined)?.visited === true;

export const ACTION_FIELDS: Readonly<Record<Action, readonly FieldSpec[]>> = {
  'appraise-safety': [
    {
      path: 'grade',
      label: 'grade',
      kind: 'select',
      options: ['A', 'B', 'C', 'D'],
      optionLabels: 'grades',
      required: true,
    },
    { path: 'technician', label: 'technician', kind: 'text', required: true },
    { path: 'appraisedOn', label: 'appraisedOn', kind: 'date', required: true, notFuture: true },
    { path: 'findings', label: 'findings', kind: 'textarea', required: true },
    { path: 'photoIds', label: 'photoIds', kind: 'photos', photoKinds: ['before'] },
  ],
  'village-appraisal': [
    { path: 'meetingDate', label: 'meetingDate', kind: 'date', required: true, notFuture: true },
    { path: 'votesFor', label: 'votesFor', kind: 'int', required: true },
    { path: 'votesAgainst', label: 'votesAgainst', kind: 'int', required: true },
    { path: 'abstentions', label: 'abstentions', kind: 'int', required: true },
    { path: 'minutes', label: 'minutes', kind: 'textarea', required: true },
    {
      path: 'result',
      label: 'result',
      kind: 'select',
      options: ['approved', 'rejected'],
      optionLabels: 'voteResults',
      required: true,
    },
  ],
  'township-review': [
    {
      path: 'decision',
      label: 'decision',
      kind: 'select',
      options: ['approve', 'reject', 'send-back'],
      optionLabels: 'decisions',
      required: true,
    },
    { path: 'reason', label: 'reason', kind: 'textarea', when: notApproved, required: true },
    { path: 'checkedItems', label: 'checkedItems', kind: 'checklist', items: ['身份信息', '鉴定报告'] },
  ],
  'county-approve': [
    {
      path: 'decision',
      label: 'decision',
      kind: 'select',
      options: ['approve', 'reject', 'send-back'],
      optionLabels: 'decisions',
      required: true,
    },
    { path: 'reason', label: 'reason', kind: 'textarea', when: notApproved, required: true },
    {
      path: 'mode',
      label: 'mode',
      kind: 'select',
      options: ['rebuild', 'repair'],
      optionLabels: 'modes',
      required: true,
    },
    { path: 'plannedAreaM2', label: 'plannedAreaM2', kind: 'number' },
    { path: 'spotCheck.visited', label: 'spotVisited', kind: 'switch' },
    { path: 'spotCheck.by', label: 'spotBy', kind: 'text', when: visited, required: true },
    { path: 'spotCheck.date', label: 'spotDate', kind: 'date', when: visited, required: true, notFuture: true },
    { path: 'spotCheck.findings', label: 'spotFindings', kind: 'textarea', when: visited },
  ],
  object: [
    { path: 'objector', label: 'objector', kind: 'text', required: true },
    { path: 'contact', label: 'contact', kind: 'text' },
    { path: 'reason', label: 'reason', kind: 'textarea', required: true },
  ],
  'resolve-objection': [
    { path: 'objectionId', label: 'objectionId', kind: 'select', options: [], required: true },
    {
      path: 'resolution',
      label: 'resolution',
      kind: 'select',
      options: ['upheld', 'dismissed'],
      optionLabels: 'resolutions',
      required: true,
    },
    { path: 'explanation', label: 'explanation', kind: 'textarea', required: true },
  ],
  'sign-agreement': [
    { path: 'signedOn', label: 'signedOn', kind: 'date', required: true, notFuture: true },
    { path: 'plannedStart', label: 'plannedStart', kind: 'date', required: true },
    { path: 'plannedFinish', label: 'plannedFinish', kind: 'date', required: true },
    { path: 'ownFunds', label: 'ownFunds', kind: 'yuan', required: true },
    { path: 'bankLoan', label: 'bankLoan', kind: 'yuan', required: true },
  ],
  inspect: [
    // The milestone due is the household's next installment's: shown, not chosen.
    { path: 'milestone', label: 'milestone', kind: 'milestone', required: true },
    { path: 'date', label: 'date', kind: 'date', required: true, notFuture: true },
    { path: 'checklist', label: 'checklist', kind: 'checklist', itemsOfDueMilestone: true },
    {
      path: 'result',
      label: 'result',
      kind: 'select',
      options: ['pass', 'fail'],
      optionLabels: 'checkResults',
      required: true,
    },
    { path: 'rectification.what', label: 'rectificationWhat', kind: 'textarea', when: failed, required: true },
    { path: 'rectification.by', label: 'rectificationBy', kind: 'date', when: failed, required: true },
    { path: 'photoIds', label: 'photoIds', kind: 'photos', photoKinds: ['during'], required: true },
  ],
  'release-installment': [
    // Only the household's next installment can be released: shown with its amount, not chosen.
    { path: 'installment', label: 'installment', kind: 'installment', required: true },
    { path: 'note', label: 'note', kind: 'text' },
  ],
  accept: [
    { path: 'date', label: 'date', kind: 'date', required: true, notFuture: true },
    { path: 'checklist', label: 'checklist', kind: 'checklist', items: MILESTONE_CHECKLISTS.acceptance },
    {
      path: 'result',
      label: 'result',
      kind: 'select',
      options: ['pass', 'fail'],
      optionLabels: 'checkResults',
      required: true,
    },
    { path: 'checkedBy', label: 'checkedBy', kind: 'text', required: true },
    { path: 'signedBy', label: 'signedBy', kind: 'text', required: true },
    { path: 'rectification.what', label: 'rectificationWhat', kind: 'textarea', when: failed, required: true },
    { path: 'rectification.by', label: 'rectificationBy', kind: 'date', when: failed, required: true },
    { path: 'photoIds', label: 'photoIds', kind: 'photos', photoKinds: ['after', 'after-with-head'], required: true },
  ],
  supervise: [
    { path: 'date', label: 'date', kind: 'date', required: true, notFuture: true },
    {
      path: 'stage',
      label: 'stage',
      kind: 'select',
      options: SUPERVISION_STAGES,
      optionLabels: 'stages',
      required: true,
    },
    { path: 'progressPercent', label: 'progressPercent', kind: 'int', required: true },
    { path: 'notes', label: 'notes', kind: 'textarea', required: true },
    { path: 'photoIds', label: 'photoIds', kind: 'photos', photoKinds: ['during'] },
  ],
};
