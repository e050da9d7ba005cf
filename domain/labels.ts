/**
 * The names of phases, steps, roles and priority categories, in the words of the program's own documents
 * (domain.md). One table serves the process description, the Excel exports, the ledger card and the console,
 * so a county never sees two names for one step.
 */
import type { Action, Category, Phase, Role } from './model';

export type Title = { readonly zh: string; readonly en: string };

/** Each phase by the name of its step: the household is "at" 危险性鉴定 until the appraisal is recorded. */
export const PHASE_TITLES: Readonly<Record<Phase, Title>> = {
  'safety-appraisal': { zh: '危险性鉴定', en: 'Safety appraisal' },
  'village-appraisal': { zh: '村民主评议', en: 'Village democratic appraisal' },
  'township-review': { zh: '乡镇审核', en: 'Township review' },
  'county-approval': { zh: '县审批', en: 'County approval' },
  'public-notice': { zh: '公示', en: 'Public notice' },
  'objection-review': { zh: '异议复核', en: 'Objection review' },
  agreement: { zh: '签订改造协议', en: 'Renovation agreement' },
  'installment-release': { zh: '资金拨付', en: 'Installment release' },
  'milestone-inspection': { zh: '节点验收', en: 'Milestone inspection' },
  'final-acceptance': { zh: '竣工验收', en: 'Final acceptance' },
  archiving: { zh: '归档中', en: 'Archiving' },
  archived: { zh: '已归档', en: 'Archived' },
  rejected: { zh: '未通过', en: 'Rejected' },
};

/** One language of a table of titles, for dictionaries and exports. */
export function titlesIn<K extends string>(
  language: keyof Title,
  titles: Readonly<Record<K, Title>>,
): Record<K, string> {
  return Object.fromEntries(Object.entries<Title>(titles).map(([key, title]) => [key, title[language]])) as Record<
    K,
    string
  >;
}

export const PHASE_TITLES_ZH: Readonly<Record<Phase, string>> = titlesIn('zh', PHASE_TITLES);

/** What the household's file records: each action (the step it completes has the same name) and each system step. */
export const EVENT_TITLES: Readonly<
  Record<Action | 'register' | 'confirm-photo' | 'open-notice' | 'close-notice' | 'archive', Title>
> = {
  register: { zh: '申请登记', en: 'Application' },
  'appraise-safety': PHASE_TITLES['safety-appraisal'],
  'village-appraisal': PHASE_TITLES['village-appraisal'],
  'township-review': PHASE_TITLES['township-review'],
  'county-approve': PHASE_TITLES['county-approval'],
  object: { zh: '公示异议', en: 'Objection' },
  'resolve-objection': PHASE_TITLES['objection-review'],
  'open-notice': { zh: '公示开始', en: 'Notice opened' },
  'close-notice': { zh: '公示结束', en: 'Notice closed' },
  'sign-agreement': PHASE_TITLES.agreement,
  inspect: PHASE_TITLES['milestone-inspection'],
  supervise: { zh: '施工巡查', en: 'Supervision visit' },
  'confirm-photo': { zh: '照片核验', en: 'Photo verified' },
  'release-installment': PHASE_TITLES['installment-release'],
  accept: PHASE_TITLES['final-acceptance'],
  archive: { zh: '归档', en: 'Archived' },
};

export const ROLE_TITLES_ZH: Readonly<Record<Role, string>> = {
  'civil-affairs': '民政',
  construction: '住建',
  inspector: '质检/验收',
  finance: '财政',
  auditor: '审计',
  admin: '管理员',
};

export const CATEGORY_TITLES_ZH: Readonly<Record<Category, string>> = {
  'minimum-living-guarantee': '低保户',
  'extremely-poor': '分散供养特困人员',
  'registered-poor': '建档立卡贫困户',
  'disabled-poor': '贫困残疾人家庭',
  'disaster-hardship': '因灾因病因残失能家庭',
  other: '其他',
};
