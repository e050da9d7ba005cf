/**
 * Where an approved household's works stand, in the words of a county's year-end report (seed 004):
 * 主体完工 (main structure finished), 正在装修 (decorating) or 准备装修 (preparing to decorate),
 * 竣工准备入住 (completed, about to move in) and 竣工入住 (completed and moved in).
 *
 * Each is a dated fact on the household (`Household.works`), recorded by the action that
 * establishes it, so the report can be taken "as of" any day and its counters never need the
 * program's rules:
 * - the passed inspection of the main-structure milestone of the household's plan (`inspect`);
 * - a supervision visit (半月巡查) that finds the house at the decoration stage (`supervise`);
 * - the passed final acceptance (`accept`), which may say the family already lives there;
 * - the family moving in (`move-in`), recorded after the acceptance, also on an archived file.
 * The agreement's planned finish (`plannedFinishOn`) makes a household not accepted by then overdue.
 */

import { addCalendarDays } from '../china-time';
import { ConflictError, ValidationError } from '../errors';
import type { Household, Phase, WorksFacts } from '../model';
import { chinaDay, startOfChinaDay } from './calendar';
import { mainStructureMilestoneOf, type PlansOf } from './installments';

export const WORKS_STATUSES = [
  'not-started', // 未开工：协议未签
  'building', // 在建：主体未完工
  'main-structure-finished', // 主体完工，准备装修
  'decorating', // 正在装修
  'completed', // 竣工（验收合格），准备入住
  'moved-in', // 竣工入住
] as const;
export type WorksStatus = (typeof WORKS_STATUSES)[number];

/** The seed's words for each status (the report's columns). */
export const WORKS_STATUS_TITLES: Readonly<Record<WorksStatus, { zh: string; en: string }>> = {
  'not-started': { zh: '未开工', en: 'Not started' },
  building: { zh: '主体施工中', en: 'Main structure under way' },
  'main-structure-finished': { zh: '主体完工准备装修', en: 'Main structure finished, preparing to decorate' },
  decorating: { zh: '正在装修', en: 'Decorating' },
  completed: { zh: '竣工准备入住', en: 'Completed, about to move in' },
  'moved-in': { zh: '竣工入住', en: 'Completed and moved in' },
};

/** The calendar day in China (UTC+8) of an instant: what a county means by "the 30th". */
export function chinaDayOf(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO timestamp: ${iso}`);
  return chinaDay(new Date(ms));
}

/** True when the fact happened on or before `asOf` (a day); without `asOf`, when it happened at all. */
function byDay(day: string | undefined, asOf: string | undefined): day is string {
  return day !== undefined && (asOf === undefined || day <= asOf);
}

type WorksView = Pick<Household, 'phase' | 'updatedAt' | 'agreementSignedOn' | 'works'>;

/**
 * The day of the final acceptance: recorded on the household, else, for a file archived before the
 * fact was recorded, the day it last changed (the archive follows the acceptance, so this errs late).
 */
export function acceptedOnOf(h: WorksView): string | undefined {
  if (h.works?.acceptedOn !== undefined) return h.works.acceptedOn;
  return h.phase === 'archived' || h.phase === 'archiving' ? chinaDayOf(h.updatedAt) : undefined;
}

/** Where the works of an approved household stand on `asOf` (a day, inclusive); without it, now. */
export function worksStatusAsOf(h: WorksView, asOf?: string): WorksStatus {
  const works: WorksFacts = h.works ?? {};
  const accepted = byDay(acceptedOnOf(h), asOf);
  if (accepted) return byDay(works.movedInOn, asOf) ? 'moved-in' : 'completed';
  if (byDay(works.mainStructureOn, asOf)) {
    return byDay(works.decorationStartedOn, asOf) ? 'decorating' : 'main-structure-finished';
  }
  return byDay(h.agreementSignedOn, asOf) ? 'building' : 'not-started';
}

/** The steps of the works themselves: their tasks are due by the agreement's planned finish at the latest. */
export const WORKS_STEPS: readonly Phase[] = ['milestone-inspection', 'final-acceptance'];

/**
 * When a task of the works is due: its step's deadline, or the end of the agreement's planned finish
 * day (China) if that comes first, so a house not accepted by then shows overdue in the work queue
 * and the report's overdue steps, not only in the year-end figures.
 */
export function worksDueAt(dueAt: string, step: Phase, h: Pick<Household, 'plannedFinishOn'>): string {
  if (!WORKS_STEPS.includes(step) || h.plannedFinishOn === undefined) return dueAt;
  const endOfFinish = new Date(startOfChinaDay(addCalendarDays(h.plannedFinishOn, 1))).toISOString();
  return endOfFinish < dueAt ? endOfFinish : dueAt;
}

/** Not accepted by the agreement's planned finish: overdue on `asOf` (the day after the planned finish). */
export function isPastPlannedFinish(h: WorksView & Pick<Household, 'plannedFinishOn'>, asOf: string): boolean {
  return h.plannedFinishOn !== undefined && h.plannedFinishOn < asOf && !byDay(acceptedOnOf(h), asOf);
}

// ---------------------------------------------------------------- recording the facts

/** The household's works facts after an inspection: a pass of its plan's main-structure milestone is 主体完工. */
export function worksAfterInspection(
  h: Pick<Household, 'mode' | 'works'>,
  program: PlansOf,
  inspection: { milestone: string; result: 'pass' | 'fail'; date: string },
): WorksFacts | undefined {
  if (inspection.result !== 'pass') return h.works;
  if (inspection.milestone !== mainStructureMilestoneOf(program, h.mode)) return h.works;
  if (h.works?.mainStructureOn !== undefined) return h.works;
  return { ...h.works, mainStructureOn: inspection.date };
}

/**
 * After a supervision visit: the first visit at the decoration stage starts 正在装修. When the
 * household's plan inspects no main structure (a repair, or a plan without one), the decoration
 * itself shows the structure is done, so it is recorded as 主体完工 the same day.
 */
export function worksAfterSupervision(
  h: Pick<Household, 'mode' | 'works'>,
  program: PlansOf,
  visit: { stage: string; date: string },
): WorksFacts | undefined {
  if (visit.stage !== 'decoration' || h.works?.decorationStartedOn !== undefined) return h.works;
  const inspectsMainStructure = mainStructureMilestoneOf(program, h.mode) !== undefined;
  return {
    ...h.works,
    decorationStartedOn: visit.date,
    ...(inspectsMainStructure || h.works?.mainStructureOn !== undefined ? {} : { mainStructureOn: visit.date }),
  };
}

/** After the final acceptance: a pass is 竣工, and the family may already live there. */
export function worksAfterAcceptance(
  h: Pick<Household, 'works'>,
  acceptance: { result: 'pass' | 'fail'; date: string; movedInOn?: string | undefined },
): WorksFacts | undefined {
  if (acceptance.result !== 'pass') return h.works;
  if (acceptance.movedInOn !== undefined && acceptance.movedInOn < acceptance.date) {
    throw ValidationError.field('movedInOn', {
      zh: '入住日期不能早于竣工验收日期（验收合格当日入住请填写验收日期）',
      en: 'The move-in date cannot be before the acceptance (give the acceptance day if they moved in that day)',
    });
  }
  return {
    ...h.works,
    acceptedOn: acceptance.date,
    ...(acceptance.movedInOn === undefined ? {} : { movedInOn: acceptance.movedInOn }),
  };
}

/** Recording that the family moved in (入住): only after a passed acceptance, once, not before it. */
export function worksAfterMoveIn(h: WorksView, movedInOn: string): WorksFacts {
  const acceptedOn = acceptedOnOf(h);
  if (acceptedOn === undefined) {
    throw new ConflictError({
      zh: '竣工验收合格后才能登记入住',
      en: 'Moving in is recorded after a passed final acceptance',
    });
  }
  if (h.works?.movedInOn !== undefined) {
    throw new ConflictError({
      zh: `该户已于${h.works.movedInOn}登记入住`,
      en: `The household was recorded as moved in on ${h.works.movedInOn}`,
    });
  }
  if (movedInOn < acceptedOn) {
    throw ValidationError.field('movedInOn', {
      zh: `入住日期不能早于竣工验收日期（${acceptedOn}）`,
      en: `The move-in date cannot be before the acceptance (${acceptedOn})`,
    });
  }
  return { ...h.works, acceptedOn, movedInOn };
}

/** The agreement's dates and money, kept on the household for the report and the overdue check. */
export function agreementFacts(body: {
  signedOn: string;
  plannedStart: string;
  plannedFinish: string;
  ownFunds: number;
  bankLoan: number;
}): Pick<Household, 'agreementSignedOn' | 'plannedStartOn' | 'plannedFinishOn' | 'ownFunds' | 'bankLoan'> {
  return {
    agreementSignedOn: body.signedOn,
    plannedStartOn: body.plannedStart,
    plannedFinishOn: body.plannedFinish,
    ownFunds: body.ownFunds,
    bankLoan: body.bankLoan,
  };
}
