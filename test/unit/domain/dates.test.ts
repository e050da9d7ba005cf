import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../domain/model';
import {
  buildPeriodTooShort,
  captureDateMismatches,
  chinaDate,
  DATED_STAGES,
  dateProblems,
  dateRulesOf,
  daysBetween,
  recordedStageDates,
  stageGapFlags,
  typedDatesOf,
  worksStartOf,
} from '../../../domain/rules/dates';

type Event = Pick<AuditEvent, 'type' | 'at' | 'details'>;

/** A file through approval, notice and agreement, as its events record it (times UTC, days China). */
const EVENTS: Event[] = [
  { type: 'appraise-safety', at: '2026-03-03T02:00:00.000Z', details: { appraisedOn: '2026-03-02' } },
  { type: 'village-appraisal', at: '2026-03-10T02:00:00.000Z', details: { meetingDate: '2026-03-09' } },
  // 2026-03-15 23:30 in Beijing.
  { type: 'township-review', at: '2026-03-15T15:30:00.000Z', details: { decision: 'approve' } },
  {
    type: 'county-approve',
    at: '2026-03-20T02:00:00.000Z',
    details: { decision: 'approve', spotCheck: { visited: true, date: '2026-03-18' } },
  },
  { type: 'open-notice', at: '2026-03-20T02:00:01.000Z', details: {} },
  { type: 'close-notice', at: '2026-03-27T02:00:00.000Z', details: {} },
  { type: 'sign-agreement', at: '2026-03-30T02:00:00.000Z', details: { signedOn: '2026-03-29' } },
];
const FILE = {
  household: { createdAt: '2026-03-01T01:00:00.000Z' },
  events: EVENTS,
  inspections: [{ milestone: 'foundation', round: 1, date: '2026-04-20' }],
};

describe('chinaDate and daysBetween', () => {
  it('gives the China calendar day of an instant, whatever the server zone', () => {
    expect(chinaDate('2026-03-15T15:59:59.999Z')).toBe('2026-03-15');
    expect(chinaDate('2026-03-15T16:00:00.000Z')).toBe('2026-03-16');
    expect(chinaDate(new Date('2026-12-31T20:00:00Z'))).toBe('2027-01-01');
  });

  it('counts calendar days, across month and leap-year ends', () => {
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2026-03-01', '2026-02-28')).toBe(-1);
    expect(() => daysBetween('2026-3-1', '2026-03-02')).toThrow(RangeError);
  });
});

describe('recordedStageDates', () => {
  it('reads every dated stage of the file in its business order', () => {
    const dates = recordedStageDates(FILE);
    expect(dates.map((d) => `${d.stage} ${d.date}`)).toEqual([
      'application 2026-03-01',
      'safety-appraisal 2026-03-02',
      'village-appraisal 2026-03-09',
      'township-review 2026-03-15',
      'spot-check 2026-03-18',
      'county-approval 2026-03-20',
      'notice-start 2026-03-20',
      'notice-end 2026-03-27',
      'agreement 2026-03-29',
      'works 2026-04-20',
    ]);
    expect(DATED_STAGES.indexOf('agreement')).toBeGreaterThan(DATED_STAGES.indexOf('notice-end'));
  });

  it('does not date the approval from a rejection or a send-back', () => {
    const dates = recordedStageDates({
      ...FILE,
      events: [{ type: 'county-approve', at: '2026-03-20T02:00:00.000Z', details: { decision: 'send-back' } }],
    });
    expect(dates.map((d) => d.stage)).toEqual(['application', 'works']);
  });
});

describe('dateProblems', () => {
  const recorded = recordedStageDates(FILE);
  const TODAY = '2026-05-01';

  it('refuses a date after today, China time', () => {
    const typed = typedDatesOf('inspect', { date: '2026-05-31' });
    const problems = dateProblems(typed, recorded, TODAY);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('date');
    expect(problems[0]?.message.zh).toContain('晚于今天');
    expect(problems[0]?.message.en).toContain('future');
    // An appraisal a year ahead, as the issue found accepted.
    expect(dateProblems(typedDatesOf('appraise-safety', { appraisedOn: '2027-03-02' }), [], TODAY)).toHaveLength(1);
    expect(dateProblems(typedDatesOf('inspect', { date: TODAY }), recorded, TODAY)).toEqual([]);
  });

  it('refuses an agreement signed before the notice ended, naming the notice and its date', () => {
    const problems = dateProblems(typedDatesOf('sign-agreement', { signedOn: '2026-03-21' }), recorded, TODAY);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('signedOn');
    expect(problems[0]?.message.zh).toContain('公示结束');
    expect(problems[0]?.message.en).toContain('2026-03-27');
  });

  it('refuses an appraisal dated before the application, a meeting before the appraisal, a visit before the review', () => {
    const onlyApplication = recorded.slice(0, 1);
    expect(
      dateProblems(typedDatesOf('appraise-safety', { appraisedOn: '2026-02-27' }), onlyApplication, TODAY),
    ).toHaveLength(1);
    expect(
      dateProblems(typedDatesOf('village-appraisal', { meetingDate: '2026-03-01' }), recorded.slice(0, 2), TODAY),
    ).toHaveLength(1);
    const spot = typedDatesOf('county-approve', { spotCheck: { visited: true, date: '2026-03-14' } });
    expect(spot[0]?.path).toBe('spotCheck.date');
    expect(dateProblems(spot, recorded.slice(0, 4), TODAY)).toHaveLength(1);
  });

  it('keeps inspections and the acceptance in order among themselves, not supervision visits', () => {
    expect(dateProblems(typedDatesOf('inspect', { date: '2026-04-19' }), recorded, TODAY)).toHaveLength(1);
    expect(dateProblems(typedDatesOf('accept', { date: '2026-04-19' }), recorded, TODAY)).toHaveLength(1);
    expect(dateProblems(typedDatesOf('accept', { date: '2026-04-25' }), recorded, TODAY)).toEqual([]);
    const visit: Event = { type: 'supervise', at: '2026-04-22T02:00:00.000Z', details: { date: '2026-04-22' } };
    const withVisit = recordedStageDates({ ...FILE, events: [...EVENTS, visit] });
    // A visit entered late, dated before an earlier-entered visit, is fine; an inspection before it is not.
    expect(dateProblems(typedDatesOf('supervise', { date: '2026-04-21' }), withVisit, TODAY)).toEqual([]);
    expect(dateProblems(typedDatesOf('supervise', { date: '2026-03-28' }), withVisit, TODAY)).toHaveLength(1);
  });

  it('checks a step taken again only against the stages before it', () => {
    // A second village meeting after a send-back, dated before the first township review: fine.
    expect(dateProblems(typedDatesOf('village-appraisal', { meetingDate: '2026-03-12' }), recorded, TODAY)).toEqual([]);
  });

  it('leaves plans and deadlines alone: they may lie ahead', () => {
    expect(
      typedDatesOf('sign-agreement', {
        signedOn: '2026-03-29',
        plannedStart: '2026-06-01',
        plannedFinish: '2026-12-01',
      }),
    ).toEqual([{ path: 'signedOn', stage: 'agreement', date: '2026-03-29' }]);
    expect(
      typedDatesOf('inspect', { date: '2026-04-20', rectification: { what: 'x', by: '2026-09-01' } }),
    ).toHaveLength(1);
    expect(typedDatesOf('township-review', { decision: 'approve' })).toEqual([]);
  });
});

describe('captureDateMismatches', () => {
  it('names the cited photos taken more than the tolerance away from the typed date', () => {
    const photos = [
      { photoId: 'on-the-day', capturedAt: '2026-04-20T01:00:00.000Z' },
      // 2026-04-17 07:00 in Beijing: three days before, within a tolerance of 3.
      { photoId: 'three-days-before', capturedAt: '2026-04-16T23:00:00.000Z' },
      { photoId: 'a-month-before', capturedAt: '2026-03-20T01:00:00.000Z' },
      { photoId: 'no-time' },
    ];
    expect(captureDateMismatches('2026-04-20', photos, 3)).toEqual(['a-month-before']);
    expect(captureDateMismatches('2026-04-20', photos, 0)).toEqual(['three-days-before', 'a-month-before']);
  });
});

describe('stageGapFlags', () => {
  const previous = { date: '2026-04-01', captureTimes: ['2026-04-01T02:00:00.000Z', '2026-04-02T02:00:00.000Z'] };

  it('flags a stage too soon on typed dates, on capture times, or both', () => {
    const honest = { date: '2026-04-15', captureTimes: ['2026-04-15T02:00:00.000Z'] };
    expect(stageGapFlags(previous, honest, 7)).toEqual([]);
    // Typed two weeks apart, photographed the day after the foundation: the paper inspection.
    const photographedAtOnce = { date: '2026-04-15', captureTimes: ['2026-04-02T03:00:00.000Z'] };
    expect(stageGapFlags(previous, photographedAtOnce, 7)).toEqual(['capture-stage-too-soon']);
    const typedTooSoon = { date: '2026-04-03', captureTimes: ['2026-04-03T02:00:00.000Z'] };
    expect(stageGapFlags(previous, typedTooSoon, 7)).toEqual(['stage-too-soon', 'capture-stage-too-soon']);
  });

  it('measures capture times leniently: from the earliest photo before to the latest photo now', () => {
    const spread = { date: '2026-04-15', captureTimes: ['2026-04-03T02:00:00.000Z', '2026-04-09T02:00:00.000Z'] };
    expect(stageGapFlags(previous, spread, 7)).toEqual([]);
  });

  it('never flags the first stage, or any stage of a program without a minimum', () => {
    expect(stageGapFlags(undefined, previous, 30)).toEqual([]);
    expect(stageGapFlags(previous, previous, 0)).toEqual([]);
  });
});

describe('buildPeriodTooShort', () => {
  const rules = dateRulesOf({ minDaysBetweenMilestones: 7 });
  const input = {
    mode: 'rebuild' as const,
    startedOn: '2026-04-01',
    acceptedOn: '2026-06-14',
    worksCaptureTimes: ['2026-04-01T02:00:00.000Z'],
    acceptanceCaptureTimes: ['2026-06-14T02:00:00.000Z'],
    rules,
  };

  it('holds a rebuild to the seed county’s 74 days, on typed dates and on capture times', () => {
    expect(rules.minBuildDays.rebuild).toBe(74);
    expect(buildPeriodTooShort(input)).toBe(false);
    expect(buildPeriodTooShort({ ...input, acceptedOn: '2026-06-13' })).toBe(true);
    expect(buildPeriodTooShort({ ...input, worksCaptureTimes: ['2026-05-20T02:00:00.000Z'] })).toBe(true);
  });

  it('takes the program’s own minimum, and none for a repair unless the program sets one', () => {
    expect(buildPeriodTooShort({ ...input, mode: 'repair', acceptedOn: '2026-04-05' })).toBe(false);
    const strict = dateRulesOf({ minDaysBetweenMilestones: 7, minBuildDays: { repair: 20 } });
    expect(buildPeriodTooShort({ ...input, rules: strict, mode: 'repair', acceptedOn: '2026-04-05' })).toBe(true);
    expect(strict.minBuildDays.rebuild).toBe(74);
    expect(dateRulesOf({ minDaysBetweenMilestones: 7, captureToleranceDays: 1 }).captureToleranceDays).toBe(1);
  });

  it('starts the works at the planned start, never before the signing', () => {
    expect(worksStartOf({ signedOn: '2026-03-29', plannedStart: '2026-04-01' })).toBe('2026-04-01');
    expect(worksStartOf({ signedOn: '2026-03-29', plannedStart: '2026-03-20' })).toBe('2026-03-29');
    expect(worksStartOf({ signedOn: '2026-03-29' })).toBe('2026-03-29');
  });
});
