/**
 * Households waiting for each action and callers placed in or out of their jurisdiction, shared by
 * the security tests.
 */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { demoProgram } from '../../../../contract/examples';
import type { Action, Household, Phase, Role } from '../../../../domain/model';
import { HOUSEHOLD_ID, household, householdItem, openTaskItem, programItem } from '../../functions/support/fixtures';
import { ddbMock, givenFile, sfnMock } from '../../functions/support/mocks';

export type Level = 'township' | 'county';

/** Who owns each action (process/renovation.ts, docs/api.md). */
export const OWNERS: Readonly<Record<Action, { roles: readonly Role[]; level: Level }>> = {
  'appraise-safety': { roles: ['construction'], level: 'township' },
  'village-appraisal': { roles: ['civil-affairs'], level: 'township' },
  'township-review': { roles: ['construction'], level: 'township' },
  'county-approve': { roles: ['construction'], level: 'county' },
  object: { roles: ['civil-affairs'], level: 'township' },
  'resolve-objection': { roles: ['civil-affairs'], level: 'county' },
  'sign-agreement': { roles: ['construction'], level: 'township' },
  inspect: { roles: ['inspector'], level: 'township' },
  'release-installment': { roles: ['finance'], level: 'county' },
  accept: { roles: ['inspector'], level: 'township' },
  supervise: { roles: ['construction', 'inspector'], level: 'township' },
};

export const HOME = { county: demoProgram.county.code, township: household().township };
export const OTHER_TOWNSHIP = demoProgram.townships.map((t) => t.code).find((code) => code !== HOME.township) ?? '';
export const OTHER_COUNTY = '522328';

export interface Place {
  readonly name: string;
  readonly county: string;
  /** Absent for county-level staff. */
  readonly township?: string;
}

export function claimsFor(role: Role, place: Place): Record<string, string> {
  const username = `${role}.${place.township ?? place.county}`;
  return {
    sub: `sub-${username}`,
    'cognito:username': username,
    'cognito:groups': `[${role}]`,
    'custom:county': place.county,
    ...(place.township ? { 'custom:township': place.township } : {}),
  };
}

function photoItem(photoId: string, step: Phase, kind: string) {
  return {
    PK: `HH#${HOUSEHOLD_ID}`,
    SK: `PHOTO#${photoId}`,
    entity: 'photo',
    householdId: HOUSEHOLD_ID,
    photoId,
    step,
    kind,
    contentType: 'image/jpeg',
    size: 100,
    sha256: photoId
      .padEnd(64, '0')
      .replace(/[^0-9a-f]/g, 'a')
      .slice(0, 64),
    status: 'confirmed',
    flags: [],
  };
}

const objectionItem = {
  PK: `HH#${HOUSEHOLD_ID}`,
  SK: 'OBJ#obj-1',
  entity: 'objection',
  objectionId: 'obj-1',
  householdId: HOUSEHOLD_ID,
  objector: '韦某',
  reason: '该户家庭收入情况与申报不符',
  recordedBy: 'zhang.minzheng',
  at: '2026-02-20T00:00:00.000Z',
  status: 'open',
};

export interface Scene {
  readonly household: Partial<Household> & { phase: Phase; version: number };
  /** Steps that complete a phase need its open task; side actions do not. */
  readonly openTask: boolean;
  readonly items?: readonly Record<string, unknown>[];
}

const funded = { grade: 'D' as const, approvedSubsidy: 3_500_000 };

/** A household waiting for each action, matching the version of `exampleActionBody`. */
export const SCENES: Readonly<Record<Action, Scene>> = {
  'appraise-safety': { household: { phase: 'safety-appraisal', version: 1 }, openTask: true },
  'village-appraisal': { household: { phase: 'village-appraisal', version: 2, grade: 'D' }, openTask: true },
  'township-review': { household: { phase: 'township-review', version: 3, grade: 'D' }, openTask: true },
  'county-approve': { household: { phase: 'county-approval', version: 4, grade: 'D' }, openTask: true },
  object: { household: { phase: 'public-notice', version: 5, ...funded }, openTask: false },
  'resolve-objection': {
    household: { phase: 'objection-review', version: 7, ...funded },
    openTask: true,
    items: [objectionItem],
  },
  'sign-agreement': { household: { phase: 'agreement', version: 6, ...funded }, openTask: true },
  'release-installment': { household: { phase: 'installment-release', version: 7, ...funded }, openTask: true },
  inspect: {
    household: { phase: 'milestone-inspection', version: 8, nextInstallment: 1, ...funded },
    openTask: true,
    items: [photoItem('ph-during-1', 'milestone-inspection', 'during')],
  },
  accept: {
    household: { phase: 'final-acceptance', version: 12, nextInstallment: 3, ...funded },
    openTask: true,
    items: [
      photoItem('ph-after-1', 'final-acceptance', 'after'),
      photoItem('ph-after-head-1', 'final-acceptance', 'after-with-head'),
    ],
  },
  supervise: {
    household: { phase: 'milestone-inspection', version: 8, nextInstallment: 1, ...funded },
    openTask: false,
    items: [photoItem('ph-during-2', 'milestone-inspection', 'during')],
  },
};

export function givenScene(scene: Scene): void {
  const h = household(scene.household);
  ddbMock.on(QueryCommand).resolves({ Items: [] });
  givenFile([householdItem(h), ...(scene.openTask ? [openTaskItem(h.phase)] : []), ...(scene.items ?? [])]);
  ddbMock.on(GetCommand).resolves({});
  ddbMock
    .on(GetCommand, { Key: { PK: `PROGRAM#${demoProgram.programId}`, SK: 'CONFIG' } })
    .resolves({ Item: programItem() });
  ddbMock.on(GetCommand, { Key: { PK: `HH#${HOUSEHOLD_ID}`, SK: 'HH' } }).resolves({ Item: householdItem(h) });
  ddbMock.on(TransactWriteCommand).resolves({});
  ddbMock.on(DeleteCommand).resolves({});
  sfnMock.on(SendTaskSuccessCommand).resolves({});
}
