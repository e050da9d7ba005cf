/**
 * Creating a household file from an application, and fixing its subsidy at county approval.
 */
import type { z } from 'zod';
import { type FieldMessage, parseOrThrow, ValidationError } from '../errors';
import { type Household, HouseholdApplication, type Mode, type ProgramConfig } from '../model';
import { checkEligibility } from './eligibility';
import { checkRebuildArea, householdSize } from './floorArea';
import { isValidIdNumber } from './idNumber';
import { lookupSubsidy } from './subsidy';

export interface VillagePlace {
  county: string;
  township: string;
  townshipName: string;
  villageName: string;
}

/** Where a village lies in the program's county, or undefined when the program does not cover it. */
export function findVillage(config: ProgramConfig, villageCode: string): VillagePlace | undefined {
  for (const township of config.townships) {
    const village = township.villages.find((v) => v.code === villageCode);
    if (village) {
      return {
        county: config.county.code,
        township: township.code,
        townshipName: township.name,
        villageName: village.name,
      };
    }
  }
  return undefined;
}

/**
 * A centralized household names its site when the program names its sites, and the site must take
 * households of its village; a dispersed household names none.
 */
export function siteProblems(
  app: Pick<HouseholdApplication, 'site' | 'siteId' | 'villageCode'>,
  config: Pick<ProgramConfig, 'sites'>,
): FieldMessage[] {
  if (app.siteId === undefined) {
    if (app.site === 'centralized' && config.sites.length > 0) {
      return [
        {
          path: 'siteId',
          message: {
            zh: `集中建房户须填写建房点（${config.sites.map((s) => s.name).join('、')}）`,
            en: `A centralized household names its site (${config.sites.map((s) => s.id).join(', ')})`,
          },
        },
      ];
    }
    return [];
  }
  if (app.site !== 'centralized') {
    return [
      {
        path: 'siteId',
        message: { zh: '分散建房户不填写建房点', en: 'A dispersed household has no centralized site' },
      },
    ];
  }
  const site = config.sites.find((s) => s.id === app.siteId);
  if (site === undefined) {
    return [
      {
        path: 'siteId',
        message: { zh: `建房点 ${app.siteId} 不在本项目中`, en: `There is no site ${app.siteId} in the program` },
      },
    ];
  }
  if (!site.villages.includes(app.villageCode)) {
    return [
      {
        path: 'siteId',
        message: {
          zh: `建房点“${site.name}”不接收村 ${app.villageCode} 的农户`,
          en: `Site ${site.name} does not take households of village ${app.villageCode}`,
        },
      },
    ];
  }
  return [];
}

const invalidIdMessage = {
  zh: '身份证号码校验位或出生日期无效，请核对',
  en: 'ID number check digit or birth date is invalid',
};

/**
 * A new household file in its first phase, safety appraisal, at version 1 (the registration
 * event is audit event 1). Every problem is reported at once, each at its field.
 */
export function newHousehold(
  application: z.input<typeof HouseholdApplication>,
  config: ProgramConfig,
  ids: { householdId: string; now: string },
): Household {
  const app = parseOrThrow(HouseholdApplication, application);
  const problems: FieldMessage[] = [];
  if (app.programId !== config.programId) {
    problems.push({
      path: 'programId',
      message: { zh: `项目 ${app.programId} 与当前项目不符`, en: `Program ${app.programId} is not this program` },
    });
  }
  if (!isValidIdNumber(app.head.idNumber)) problems.push({ path: 'head.idNumber', message: invalidIdMessage });
  app.members.forEach((member, index) => {
    if (member.idNumber !== undefined && !isValidIdNumber(member.idNumber)) {
      problems.push({ path: `members.${index}.idNumber`, message: invalidIdMessage });
    }
  });
  const place = findVillage(config, app.villageCode);
  if (!place) {
    problems.push({
      path: 'villageCode',
      message: {
        zh: `村代码 ${app.villageCode} 不在${config.county.name}本项目范围内`,
        en: `Village ${app.villageCode} is not covered by this program`,
      },
    });
  }
  problems.push(...siteProblems(app, config));
  if (problems.length > 0 || !place) throw new ValidationError(problems);
  return {
    ...app,
    householdId: ids.householdId,
    county: place.county,
    township: place.township,
    phase: 'safety-appraisal',
    version: 1,
    createdAt: ids.now,
    updatedAt: ids.now,
    nextInstallment: 0,
  };
}

/**
 * County approval fixes the mode and the subsidy from the program's tiers. The household must be
 * eligible (appraised C/D, priority category); a rebuild with a planned area must fit the
 * household-size limits. Returns the updated household; phase and version are the caller's.
 */
export function approveSubsidy(
  household: Household,
  config: ProgramConfig,
  mode: Mode,
  options: { plannedAreaM2?: number | undefined } = {},
): Household {
  const eligibility = checkEligibility({ grade: household.grade, category: household.category }, config);
  if (!eligibility.eligible || household.grade === undefined) {
    throw new ValidationError(eligibility.reasons.map((message) => ({ path: 'decision', message })));
  }
  // The approval fixes a rebuild's area; the area the application planned stands when it gives none.
  const plannedAreaM2 = options.plannedAreaM2 ?? household.plannedAreaM2;
  if (mode === 'rebuild' && plannedAreaM2 !== undefined) {
    const area = checkRebuildArea(householdSize(household), plannedAreaM2);
    if (!area.ok) throw ValidationError.field('plannedAreaM2', area.reason);
  }
  const approvedSubsidy = lookupSubsidy(config, { category: household.category, mode, grade: household.grade });
  return { ...household, mode, approvedSubsidy, ...(plannedAreaM2 === undefined ? {} : { plannedAreaM2 }) };
}
