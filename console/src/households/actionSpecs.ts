/**
 * What each action's form asks for. The body schemas themselves are the domain's
 * (domain/actions.ts); this list only says how to ask for each field, in business order.
 */
import type { Action } from '../../../domain/model';
import type { PhotoKind } from '../api/types';

export type FieldKind =
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
    { path: 'grade', label: 'grade', kind: 'select', options: ['A', 'B', 'C', 'D'], required: true },
    { path: 'technician', label: 'technician', kind: 'text', required: true },
    { path: 'appraisedOn', label: 'appraisedOn', kind: 'date', required: true },
    { path: 'findings', label: 'findings', kind: 'textarea', required: true },
    { path: 'photoIds', label: 'photoIds', kind: 'photos', photoKinds: ['before'] },
  ],
  'village-appraisal': [
    { path: 'meetingDate', label: 'meetingDate', kind: 'date', required: true },
    { path: 'votesFor', label: 'votesFor', kind: 'int', required: true },
    { path: 'votesAgainst', label: 'votesAgainst', kind: 'int', required: true },
    { path: 'abstentions', label: 'abstentions', kind: 'int', required: true },
    { path: 'minutes', label: 'minutes', kind: 'textarea', required: true },
    { path: 'result', label: 'result', kind: 'select', options: ['approved', 'rejected'], required: true },
  ],
  'township-review': [
    {
      path: 'decision',
      label: 'decision',
      kind: 'select',
      options: ['approve', 'reject', 'send-back'],
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
      required: true,
    },
    { path: 'reason', label: 'reason', kind: 'textarea', when: notApproved, required: true },
    { path: 'mode', label: 'mode', kind: 'select', options: ['rebuild', 'repair'], required: true },
    { path: 'plannedAreaM2', label: 'plannedAreaM2', kind: 'number' },
    { path: 'spotCheck.visited', label: 'spotVisited', kind: 'switch' },
    { path: 'spotCheck.by', label: 'spotBy', kind: 'text', when: visited, required: true },
    { path: 'spotCheck.date', label: 'spotDate', kind: 'date', when: visited, required: true },
    { path: 'spotCheck.findings', label: 'spotFindings', kind: 'textarea', when: visited },
  ],
  object: [
    { path: 'objector', label: 'objector', kind: 'text', required: true },
    { path: 'contact', label: 'contact', kind: 'text' },
    { path: 'reason', label: 'reason', kind: 'textarea', required: true },
  ],
  'resolve-objection': [
    { path: 'objectionId', label: 'objectionId', kind: 'select', options: [], required: true },
    { path: 'resolution', label: 'resolution', kind: 'select', options: ['upheld', 'dismissed'], required: true },
    { path: 'explanation', label: 'explanation', kind: 'textarea', required: true },
  ],
  'sign-agreement': [
    { path: 'signedOn', label: 'signedOn', kind: 'date', required: true },
    { path: 'plannedStart', label: 'plannedStart', kind: 'date', required: true },
    { path: 'plannedFinish', label: 'plannedFinish', kind: 'date', required: true },
    { path: 'ownFunds', label: 'ownFunds', kind: 'yuan', required: true },
    { path: 'bankLoan', label: 'bankLoan', kind: 'yuan', required: true },
  ],
  inspect: [
    {
      path: 'milestone',
      label: 'milestone',
      kind: 'select',
      options: ['foundation', 'main-structure'],
      required: true,
    },
    { path: 'date', label: 'date', kind: 'date', required: true },
    { path: 'checklist', label: 'checklist', kind: 'checklist', items: ['基础尺寸', '钢筋规格', '混凝土强度'] },
    { path: 'result', label: 'result', kind: 'select', options: ['pass', 'fail'], required: true },
    { path: 'rectification.what', label: 'rectificationWhat', kind: 'textarea', when: failed, required: true },
    { path: 'rectification.by', label: 'rectificationBy', kind: 'date', when: failed, required: true },
    { path: 'photoIds', label: 'photoIds', kind: 'photos', photoKinds: ['during'], required: true },
  ],
  'release-installment': [
    { path: 'installment', label: 'installment', kind: 'int', required: true },
    { path: 'note', label: 'note', kind: 'text' },
  ],
  accept: [
    { path: 'date', label: 'date', kind: 'date', required: true },
    { path: 'checklist', label: 'checklist', kind: 'checklist', items: ['结构安全', '面积符合', '门窗齐全'] },
    { path: 'result', label: 'result', kind: 'select', options: ['pass', 'fail'], required: true },
    { path: 'checkedBy', label: 'checkedBy', kind: 'text', required: true },
    { path: 'signedBy', label: 'signedBy', kind: 'text', required: true },
    { path: 'rectification.what', label: 'rectificationWhat', kind: 'textarea', when: failed, required: true },
    { path: 'rectification.by', label: 'rectificationBy', kind: 'date', when: failed, required: true },
    { path: 'photoIds', label: 'photoIds', kind: 'photos', photoKinds: ['after', 'after-with-head'], required: true },
  ],
  supervise: [
    { path: 'date', label: 'date', kind: 'date', required: true },
    {
      path: 'stage',
      label: 'stage',
      kind: 'select',
      options: ['materials', 'foundation', 'walls-to-roof', 'roof-slab', 'curing', 'decoration'],
      required: true,
    },
    { path: 'progressPercent', label: 'progressPercent', kind: 'int', required: true },
    { path: 'notes', label: 'notes', kind: 'textarea', required: true },
    { path: 'photoIds', label: 'photoIds', kind: 'photos', photoKinds: ['during'] },
  ],
};
