/**
 * The Chinese names of phases, roles and priority categories, in the words of the program's own documents
 * (docs/domain.md). One table serves the Excel exports, the ledger card and the console, so a county never sees
 * two names for one step.
 */
import type { Category, Phase, Role } from './model';

export const PHASE_TITLES_ZH: Readonly<Record<Phase, string>> = {
  'safety-appraisal': '安全鉴定',
  'village-appraisal': '村民主评议',
  'township-review': '乡镇审核',
  'county-approval': '县级审批',
  'public-notice': '公示',
  'objection-review': '异议处理',
  agreement: '签订协议',
  'installment-release': '资金拨付',
  'milestone-inspection': '施工验收',
  'final-acceptance': '竣工验收',
  archiving: '归档中',
  archived: '已归档',
  rejected: '未通过',
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
