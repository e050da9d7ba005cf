/**
 * The kinds of flag and their levels: a leaf the model (a program's flag policy, a household's
 * raised flags) and the rules (domain/rules/flags.ts) both read.
 */
import { z } from 'zod';
import type { Bilingual } from '../errors';

/** Flags of one photo, raised when it is confirmed. */
export const PHOTO_FLAGS = [
  'duplicate-image',
  'near-duplicate-image',
  'near-duplicate-stage',
  'gps-far',
  'gps-missing',
  'capture-time-missing',
  'capture-time-future',
  'capture-time-outside-window',
] as const;
/** Flags of a recorded step (an appraisal, an inspection, the acceptance): its dates against the others. */
export const STEP_FLAGS = [
  'stage-too-soon',
  'capture-stage-too-soon',
  'capture-date-mismatch',
  'build-period-too-short',
] as const;
/** Flags of the household: its persons, its account and the rosters they are on. */
export const HOUSEHOLD_FLAGS = [
  'person-already-claimed',
  'roster-relocation',
  'roster-past-beneficiary',
  'category-not-on-roster',
  'bank-account-shared',
  'split-household',
] as const;

export const FLAG_KINDS = [...PHOTO_FLAGS, ...STEP_FLAGS, ...HOUSEHOLD_FLAGS] as const;
export const FlagKind = z.enum(FLAG_KINDS);
export type FlagKind = z.infer<typeof FlagKind>;

export const FlagSubject = z.enum(['photo', 'step', 'household']);
export type FlagSubject = z.infer<typeof FlagSubject>;

export const FlagLevel = z.enum(['warn', 'block']);
export type FlagLevel = z.infer<typeof FlagLevel>;

/** A program's choice per kind; kinds it does not name keep the default level. */
export const FlagPolicy = z.partialRecord(FlagKind, FlagLevel);
export type FlagPolicy = z.infer<typeof FlagPolicy>;

export function subjectOf(kind: FlagKind): FlagSubject {
  if ((PHOTO_FLAGS as readonly string[]).includes(kind)) return 'photo';
  if ((STEP_FLAGS as readonly string[]).includes(kind)) return 'step';
  return 'household';
}

/**
 * What a county audit bureau would not let pass unexamined blocks by default; what has an
 * innocent everyday cause (a phone without GPS, the same viewpoint at two stages, a household
 * not yet on this month's 低保 list) warns.
 */
export const DEFAULT_FLAG_LEVELS: Readonly<Record<FlagKind, FlagLevel>> = {
  'duplicate-image': 'block',
  'near-duplicate-image': 'block',
  'near-duplicate-stage': 'warn',
  'gps-far': 'block',
  'gps-missing': 'warn',
  'capture-time-missing': 'warn',
  'capture-time-future': 'block',
  'capture-time-outside-window': 'block',
  'stage-too-soon': 'block',
  'capture-stage-too-soon': 'block',
  'capture-date-mismatch': 'warn',
  'build-period-too-short': 'block',
  'person-already-claimed': 'block',
  'roster-relocation': 'block',
  'roster-past-beneficiary': 'block',
  'category-not-on-roster': 'warn',
  'bank-account-shared': 'block',
  'split-household': 'warn',
};

export function flagLevel(policy: FlagPolicy | undefined, kind: FlagKind): FlagLevel {
  return policy?.[kind] ?? DEFAULT_FLAG_LEVELS[kind];
}

export const FLAG_KIND_TITLES: Readonly<Record<FlagKind, Bilingual>> = {
  'duplicate-image': { zh: '同一照片已用于其他农户或环节', en: 'The same image is used for another household or step' },
  'near-duplicate-image': {
    zh: '与其他农户的照片高度相似（疑似翻拍、裁剪或调色后重复使用）',
    en: "Nearly the same image as another household's photo (re-saved, resized, cropped or brightened)",
  },
  'near-duplicate-stage': {
    zh: '与本户其他环节的照片高度相似',
    en: "Nearly the same image as a photo of another of this household's steps",
  },
  'gps-far': { zh: '拍摄位置距房屋或所在村过远', en: 'Taken far from the house or its village' },
  'gps-missing': { zh: '照片没有拍摄位置', en: 'The photo has no GPS position' },
  'capture-time-missing': { zh: '照片没有拍摄时间', en: 'The photo has no capture time' },
  'capture-time-future': { zh: '拍摄时间晚于当前时间', en: 'The capture time is in the future' },
  'capture-time-outside-window': {
    zh: '拍摄时间早于改造协议签订日期',
    en: 'Taken before the renovation agreement was signed',
  },
  'stage-too-soon': {
    zh: '与上一节点间隔少于规定天数',
    en: 'Inspected sooner after the previous stage than the program allows',
  },
  'capture-stage-too-soon': {
    zh: '照片拍摄时间与上一节点照片间隔少于规定天数',
    en: "The photos were taken sooner after the previous stage's photos than the program allows",
  },
  'capture-date-mismatch': {
    zh: '填报日期与所附照片的拍摄日期不符',
    en: 'The date entered does not match when the cited photos were taken',
  },
  'build-period-too-short': {
    zh: '开工至竣工验收的工期短于规定的最短工期',
    en: 'Shorter from start to acceptance than the minimum build period',
  },
  'person-already-claimed': {
    zh: '家庭成员已在其他农户档案中（重复享受或分户申请）',
    en: "A person of the household is already on another household's file",
  },
  'roster-relocation': {
    zh: '家庭成员在易地扶贫搬迁名单中',
    en: 'A person of the household is on the poverty relocation (易地扶贫搬迁) roster',
  },
  'roster-past-beneficiary': {
    zh: '家庭成员已享受过往年危房改造补助',
    en: "A person of the household received an earlier year's renovation subsidy",
  },
  'category-not-on-roster': {
    zh: '申报的对象类别在导入的低保、特困名单中查无此人',
    en: 'The category claimed is not confirmed by the imported 低保 / 特困 roster',
  },
  'bank-account-shared': {
    zh: '补助账户同时登记在其他农户名下',
    en: 'The subsidy bank account is also registered for another household',
  },
  'split-household': {
    zh: '疑似分户申请：同村同址或成员重叠',
    en: 'Looks like a split household: same village and address, or overlapping members',
  },
};
