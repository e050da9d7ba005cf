/**
 * An audit event's details as facts a clerk reads: labels for every code, money in 元, dates and
 * times in China time, photos counted, and none of the machinery (ids, hashes, versions).
 */
import {
  CATEGORY_TITLES,
  CHECK_RESULT_TITLES,
  DECISION_TITLES,
  FLAG_TITLES,
  FOUND_BY_TITLES,
  GRADE_TITLES,
  MODE_TITLES,
  OUTCOME_TITLES,
  PHASE_TITLES,
  PHOTO_KIND_TITLES,
  RESOLUTION_TITLES,
  SUPERVISION_STAGE_TITLES,
  type Title,
  UNKNOWN_FLAG,
  VOTE_RESULT_TITLES,
} from '../../../domain/labels';
import type { AuditEvent } from '../../../domain/model';
import type { Words } from '../common/words';

/** Keys never shown: ids and hashes mean nothing to a person, the outcome is shown on its own. */
const HIDDEN = new Set(['photoId', 'sha256', 'objectionId', 'outcome', 'hash', 'prevHash', 'version', 'label']);

const CODE_TABLES: Readonly<Record<string, Readonly<Record<string, Title>>>> = {
  category: CATEGORY_TITLES,
  foundBy: FOUND_BY_TITLES,
  grade: GRADE_TITLES,
  mode: MODE_TITLES,
  decision: DECISION_TITLES,
  resolution: RESOLUTION_TITLES,
  stage: SUPERVISION_STAGE_TITLES,
  kind: PHOTO_KIND_TITLES,
  step: PHASE_TITLES,
};

const MONEY = new Set(['approvedSubsidy', 'ownFunds', 'bankLoan', 'amount']);
const INSTANTS = new Set(['noticeEndsAt', 'capturedAt', 'at']);

export interface EventContext {
  words: Words;
  place: (villageCode: string) => string;
  /** The program's own label of a milestone. */
  milestoneLabel: (code: string) => string | undefined;
}

function valueText(key: string, value: unknown, event: AuditEvent, context: EventContext): string | undefined {
  const { words } = context;
  const { t } = words;
  if (value === undefined || value === null || value === '') return undefined;
  if (MONEY.has(key) && typeof value === 'number') return words.money(value);
  if (INSTANTS.has(key) && typeof value === 'string') return words.time(value);
  if (key === 'villageCode' && typeof value === 'string') return context.place(value);
  if (key === 'installment' && typeof value === 'number') {
    const label = typeof event.details.label === 'string' ? event.details.label : undefined;
    return `${words.installment(value)}${label ? ` ${label}` : ''}`;
  }
  if (key === 'milestone' && typeof value === 'string') return words.milestone(value, context.milestoneLabel(value));
  if (key === 'result' && typeof value === 'string') {
    const table = value === 'pass' || value === 'fail' ? CHECK_RESULT_TITLES : VOTE_RESULT_TITLES;
    return words.label(table, value);
  }
  if (key === 'photoIds' && Array.isArray(value))
    return value.length > 0 ? t('file.photoCount', { count: value.length }) : undefined;
  if (key === 'flags' && Array.isArray(value)) {
    return value.length > 0
      ? value.map((flag) => words.label(FLAG_TITLES, String(flag), UNKNOWN_FLAG[words.language])).join('、')
      : undefined;
  }
  if ((key === 'checklist' || key === 'checkedItems') && typeof value === 'object') {
    const checked = Object.entries(value as Record<string, unknown>)
      .filter(([, ok]) => ok === true)
      .map(([item]) => t(`checklist.${item}`, { defaultValue: item }));
    return checked.length > 0 ? checked.join('、') : undefined;
  }
  if (key === 'spotCheck' && typeof value === 'object') {
    const check = value as { visited?: boolean; by?: string; date?: string };
    return check.visited
      ? t('file.spotVisited', { by: check.by ?? '—', date: check.date ?? '—' })
      : t('file.spotNotVisited');
  }
  if (key === 'rectification' && typeof value === 'object') {
    const rectification = value as { what?: string; by?: string };
    return `${rectification.what ?? ''} (${words.t('fields.rectificationBy')} ${rectification.by ?? '—'})`;
  }
  const table = CODE_TABLES[key];
  if (table && typeof value === 'string') return words.label(table, value);
  if (typeof value === 'boolean') return value ? t('file.yes') : t('file.no');
  if (key === 'plannedAreaM2' && typeof value === 'number') return `${value} ㎡`;
  if (key === 'progressPercent' && typeof value === 'number') return `${value}%`;
  if (key === 'round' && typeof value === 'number') return String(value);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return undefined;
}

/** The facts of one event, each `label: value`, in the order the event recorded them. */
export function eventFacts(event: AuditEvent, context: EventContext): string[] {
  return Object.entries(event.details)
    .filter(([key]) => !HIDDEN.has(key))
    .flatMap(([key, value]) => {
      const text = valueText(key, value, event, context);
      if (text === undefined) return [];
      const label = context.words.t(`fields.${key}`, { defaultValue: '' });
      // A detail the dictionary has no word for is not worth showing as a code.
      return label ? [`${label}${context.words.language === 'en' ? ': ' : '：'}${text}`] : [];
    });
}

/** The outcome of the event in words, when it has one. */
export function eventOutcome(event: AuditEvent, words: Words): string | undefined {
  const outcome = event.details.outcome;
  return typeof outcome === 'string' ? words.label(OUTCOME_TITLES, outcome, '') || undefined : undefined;
}
