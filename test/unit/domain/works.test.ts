import { describe, expect, it } from 'vitest';
import { AcceptBody, MoveInBody } from '../../../domain/actions';
import { ConflictError, ValidationError } from '../../../domain/errors';
import {
  agreementFacts,
  chinaDayOf,
  isPastPlannedFinish,
  worksAfterAcceptance,
  worksAfterInspection,
  worksAfterMoveIn,
  worksAfterSupervision,
  worksDueAt,
  worksStatusAsOf,
} from '../../../domain/rules/works';
import { seedHousehold, seedProgram } from './support/seed-county';

/** A rebuild of the seed county that has just signed its agreement. */
const signed = { ...seedHousehold(200), phase: 'milestone-inspection' as const, nextInstallment: 1, works: undefined };
const repair = { ...seedHousehold(500), phase: 'final-acceptance' as const, nextInstallment: 1, works: undefined };

describe('the works facts, recorded by the actions that establish them', () => {
  it('records 主体完工 at the passed inspection of the main-structure milestone only', () => {
    const foundation = worksAfterInspection(signed, seedProgram, {
      milestone: 'foundation',
      result: 'pass',
      date: '2008-09-01',
    });
    expect(foundation).toBeUndefined();
    const failed = worksAfterInspection(signed, seedProgram, {
      milestone: 'main-structure',
      result: 'fail',
      date: '2008-10-01',
    });
    expect(failed).toBeUndefined();
    const passed = worksAfterInspection(signed, seedProgram, {
      milestone: 'main-structure',
      result: 'pass',
      date: '2008-10-08',
    });
    expect(passed).toEqual({ mainStructureOn: '2008-10-08' });
    // A later re-inspection keeps the first day the structure passed.
    const again = worksAfterInspection({ ...signed, works: passed }, seedProgram, {
      milestone: 'main-structure',
      result: 'pass',
      date: '2008-10-20',
    });
    expect(again).toEqual({ mainStructureOn: '2008-10-08' });
  });

  it('starts 正在装修 at the first supervision visit at the decoration stage', () => {
    const walls = worksAfterSupervision(signed, seedProgram, { stage: 'walls-to-roof', date: '2008-09-20' });
    expect(walls).toBeUndefined();
    const decorating = worksAfterSupervision({ ...signed, works: { mainStructureOn: '2008-10-08' } }, seedProgram, {
      stage: 'decoration',
      date: '2008-10-25',
    });
    expect(decorating).toEqual({ mainStructureOn: '2008-10-08', decorationStartedOn: '2008-10-25' });
    const later = worksAfterSupervision({ ...signed, works: decorating }, seedProgram, {
      stage: 'decoration',
      date: '2008-11-10',
    });
    expect(later).toEqual(decorating);
  });

  it('takes decoration of a house whose plan inspects no main structure as its main structure finished', () => {
    expect(worksAfterSupervision(repair, seedProgram, { stage: 'decoration', date: '2008-10-25' })).toEqual({
      decorationStartedOn: '2008-10-25',
      mainStructureOn: '2008-10-25',
    });
  });

  it('records 竣工 at a passed acceptance, with the move-in when the family already lives there', () => {
    expect(worksAfterAcceptance(signed, { result: 'fail', date: '2008-11-20' })).toBeUndefined();
    expect(worksAfterAcceptance(signed, { result: 'pass', date: '2008-11-20' })).toEqual({ acceptedOn: '2008-11-20' });
    expect(worksAfterAcceptance(signed, { result: 'pass', date: '2008-11-20', movedInOn: '2008-11-20' })).toEqual({
      acceptedOn: '2008-11-20',
      movedInOn: '2008-11-20',
    });
    expect(() => worksAfterAcceptance(signed, { result: 'pass', date: '2008-11-20', movedInOn: '2008-11-01' })).toThrow(
      ValidationError,
    );
  });

  it('records 入住 after the acceptance only, once, and not before it, also on an archived file', () => {
    expect(() => worksAfterMoveIn(signed, '2008-12-01')).toThrow(ConflictError);
    const accepted = { ...signed, works: { acceptedOn: '2008-11-20' } };
    expect(worksAfterMoveIn(accepted, '2008-12-01')).toEqual({ acceptedOn: '2008-11-20', movedInOn: '2008-12-01' });
    expect(() => worksAfterMoveIn(accepted, '2008-11-19')).toThrow(ValidationError);
    expect(() =>
      worksAfterMoveIn({ ...accepted, works: { acceptedOn: '2008-11-20', movedInOn: '2008-12-01' } }, '2008-12-02'),
    ).toThrow(ConflictError);
    // Archived before the acceptance day was recorded: the archive day stands for it.
    const archived = { ...signed, phase: 'archived' as const, works: undefined, updatedAt: '2008-11-25T18:00:00Z' };
    expect(worksAfterMoveIn(archived, '2008-12-01')).toEqual({ acceptedOn: '2008-11-26', movedInOn: '2008-12-01' });
  });

  it('keeps the agreement dates and money on the household', () => {
    expect(
      agreementFacts({
        signedOn: '2008-08-01',
        plannedStart: '2008-08-05',
        plannedFinish: '2008-12-20',
        ownFunds: 1,
        bankLoan: 2,
      }),
    ).toEqual({
      agreementSignedOn: '2008-08-01',
      plannedStartOn: '2008-08-05',
      plannedFinishOn: '2008-12-20',
      ownFunds: 1,
      bankLoan: 2,
    });
  });

  it('takes the new fields on the acceptance and move-in bodies', () => {
    expect(MoveInBody.safeParse({ version: 3, movedInOn: '2008-12-01' }).success).toBe(true);
    expect(MoveInBody.safeParse({ version: 3, movedInOn: '2008-12-01', movedIn: true }).success).toBe(false);
    const accept = {
      version: 3,
      date: '2008-11-20',
      checklist: {},
      result: 'pass',
      checkedBy: '赵刚',
      signedBy: '李军',
    };
    expect(AcceptBody.safeParse({ ...accept, photoIds: ['p'], movedInOn: '2008-11-20' }).success).toBe(true);
  });
});

describe('where the works stand on a day', () => {
  const facts = {
    ...signed,
    works: {
      mainStructureOn: '2008-10-08',
      decorationStartedOn: '2008-10-25',
      acceptedOn: '2008-11-20',
      movedInOn: '2008-12-01',
    },
  };

  it('reads the facts in order of the day asked', () => {
    expect(worksStatusAsOf(facts, '2008-07-31')).toBe('not-started');
    expect(worksStatusAsOf(facts, '2008-08-01')).toBe('building');
    expect(worksStatusAsOf(facts, '2008-10-08')).toBe('main-structure-finished');
    expect(worksStatusAsOf(facts, '2008-10-25')).toBe('decorating');
    expect(worksStatusAsOf(facts, '2008-11-30')).toBe('completed');
    expect(worksStatusAsOf(facts, '2008-12-01')).toBe('moved-in');
    expect(worksStatusAsOf(facts)).toBe('moved-in');
  });

  it('does not count a decoration visit before the main structure passed as decorating', () => {
    expect(worksStatusAsOf({ ...signed, works: { decorationStartedOn: '2008-10-01' } }, '2008-10-05')).toBe('building');
  });

  it('makes a household not accepted by its planned finish overdue from the next day', () => {
    const open = { ...signed, plannedFinishOn: '2008-12-20', works: { mainStructureOn: '2008-10-08' } };
    expect(isPastPlannedFinish(open, '2008-12-20')).toBe(false);
    expect(isPastPlannedFinish(open, '2008-12-21')).toBe(true);
    expect(isPastPlannedFinish({ ...open, works: { acceptedOn: '2008-12-19' } }, '2008-12-30')).toBe(false);
    expect(isPastPlannedFinish({ ...open, plannedFinishOn: undefined }, '2009-12-30')).toBe(false);
  });

  it('makes the tasks of the works due by the end of the planned finish day at the latest', () => {
    const planned = { plannedFinishOn: '2008-12-20' };
    // The end of 20 December in China is 16:00 UTC that day.
    expect(worksDueAt('2009-01-10T02:00:00.000Z', 'final-acceptance', planned)).toBe('2008-12-20T16:00:00.000Z');
    expect(worksDueAt('2008-12-10T02:00:00.000Z', 'milestone-inspection', planned)).toBe('2008-12-10T02:00:00.000Z');
    expect(worksDueAt('2009-01-10T02:00:00.000Z', 'installment-release', planned)).toBe('2009-01-10T02:00:00.000Z');
    expect(worksDueAt('2009-01-10T02:00:00.000Z', 'final-acceptance', {})).toBe('2009-01-10T02:00:00.000Z');
  });

  it('takes the day in China for an instant', () => {
    expect(chinaDayOf('2008-12-29T16:30:00Z')).toBe('2008-12-30');
    expect(chinaDayOf('2008-12-30T15:59:00Z')).toBe('2008-12-30');
  });
});
