import { describe, expect, it } from 'vitest';
import { exampleActionBody } from '../../../contract/examples';
import { ActionBodies } from '../../../domain/actions';
import { parseOrThrow, ValidationError } from '../../../domain/errors';
import { ACTIONS } from '../../../domain/model';

function failingPaths(action: keyof typeof ActionBodies, body: unknown): string[] {
  try {
    parseOrThrow(ActionBodies[action], body);
  } catch (error) {
    if (error instanceof ValidationError) return error.fields.map((f) => f.path).sort();
    throw error;
  }
  return [];
}

describe('action bodies', () => {
  it('has a schema for every action, and the demo example body of each passes it', () => {
    expect(Object.keys(ActionBodies).sort()).toEqual([...ACTIONS].sort());
    for (const action of ACTIONS) {
      expect(failingPaths(action, exampleActionBody(action, 3)), action).toEqual([]);
    }
  });

  it.each(ACTIONS)('%s requires an integer version and rejects unknown keys', (action) => {
    const { version: _omitted, ...withoutVersion } = exampleActionBody(action, 3);
    expect(failingPaths(action, withoutVersion)).toEqual(['version']);
    expect(failingPaths(action, { ...exampleActionBody(action, 3), version: 2.5 })).toEqual(['version']);
    expect(failingPaths(action, { ...exampleActionBody(action, 3), surprise: 1 })).toEqual(['surprise']);
  });

  it.each(['township-review', 'county-approve'] as const)('%s needs a reason to reject or send back', (action) => {
    const approve = exampleActionBody(action, 1);
    expect(failingPaths(action, { ...approve, decision: 'reject' })).toEqual(['reason']);
    expect(failingPaths(action, { ...approve, decision: 'send-back', reason: '' })).toEqual(['reason']);
    expect(failingPaths(action, { ...approve, decision: 'send-back', reason: '缺少鉴定报告' })).toEqual([]);
  });

  it('county-approve: a rebuild needs a planned area, a home visit names who and when', () => {
    const body = exampleActionBody('county-approve', 1);
    const { plannedAreaM2: _area, ...withoutArea } = body;
    expect(failingPaths('county-approve', withoutArea)).toEqual(['plannedAreaM2']);
    expect(failingPaths('county-approve', { ...withoutArea, mode: 'repair' })).toEqual([]);
    expect(failingPaths('county-approve', { ...body, spotCheck: { visited: true } })).toEqual([
      'spotCheck.by',
      'spotCheck.date',
    ]);
    expect(failingPaths('county-approve', { ...body, spotCheck: { visited: false } })).toEqual([]);
  });

  it('village-appraisal cannot approve without more votes for than against', () => {
    const body = exampleActionBody('village-appraisal', 1);
    expect(failingPaths('village-appraisal', { ...body, votesFor: 10, votesAgainst: 10 })).toEqual(['result']);
    expect(failingPaths('village-appraisal', { ...body, votesFor: 10, votesAgainst: 10, result: 'rejected' })).toEqual(
      [],
    );
  });

  it.each(['inspect', 'accept'] as const)(
    '%s: a failure needs a rectification, a pass needs every item checked',
    (action) => {
      const body = exampleActionBody(action, 1);
      expect(failingPaths(action, { ...body, result: 'fail' })).toEqual(['rectification']);
      expect(
        failingPaths(action, { ...body, result: 'fail', rectification: { what: '补强地圈梁', by: '2025-06-20' } }),
      ).toEqual([]);
      expect(failingPaths(action, { ...body, checklist: { ...body.checklist, 防潮层: false } })).toEqual([
        'checklist.防潮层',
      ]);
      expect(failingPaths(action, { ...body, photoIds: [] })).toEqual(['photoIds']);
    },
  );

  it('sign-agreement keeps signing, start and finish in order and money in integer fen', () => {
    const body = exampleActionBody('sign-agreement', 1);
    expect(failingPaths('sign-agreement', { ...body, plannedStart: '2025-05-01' })).toEqual(['plannedStart']);
    expect(failingPaths('sign-agreement', { ...body, plannedFinish: body.plannedStart })).toEqual(['plannedFinish']);
    expect(failingPaths('sign-agreement', { ...body, ownFunds: 12.5 })).toEqual(['ownFunds']);
    expect(failingPaths('sign-agreement', { ...body, signedOn: '2025-02-30' })).toEqual(['signedOn']);
  });

  it('appraise-safety accepts only grades A-D', () => {
    const body = exampleActionBody('appraise-safety', 1);
    expect(failingPaths('appraise-safety', { ...body, grade: 'A' })).toEqual([]);
    expect(failingPaths('appraise-safety', { ...body, grade: 'E' })).toEqual(['grade']);
  });
});
