/**
 * The names of the monitoring ledger's codes, in the words of the counties' own ledgers, Chinese
 * and English (as domain/labels.ts does for the renovation program). The console, the Excel report
 * and the household's own page read them from here.
 */
import type { Title } from '../labels';
import type {
  CaseCause,
  CaseStage,
  CheckKind,
  DisasterKind,
  HousingType,
  Measure,
  MonitoredCategory,
  OtherHousingKind,
  RosterChange,
  RosterField,
} from './model';

export const MONITORED_CATEGORY_TITLES: Readonly<Record<MonitoredCategory, Title>> = {
  'minimum-living-guarantee': { zh: '低保户', en: 'Minimum living guarantee' },
  'extremely-poor': { zh: '特困人员', en: 'Extremely poor' },
  'relapse-monitoring': { zh: '防止返贫监测对象', en: 'Monitored against falling back into poverty' },
  'low-income-edge': { zh: '低保边缘家庭', en: 'Just above the minimum living guarantee' },
  'county-named': { zh: '其他（县定类别）', en: 'Other (named by the county)' },
};

export const HOUSING_TYPE_TITLES: Readonly<Record<HousingType, Title>> = {
  'own-house': { zh: '自有住房', en: 'Own house' },
  'other-safe-housing': { zh: '其他安全住房', en: 'Other safe housing' },
};

export const MEASURE_TITLES: Readonly<Record<Measure, Title>> = {
  renovation: { zh: '危房改造', en: 'Renovation through a program' },
  rental: { zh: '租赁安置', en: 'Rented housing' },
  replacement: { zh: '农房置换', en: 'Replacement house' },
  'public-housing': { zh: '公租房保障', en: 'Public rental housing' },
  relatives: { zh: '投亲靠友', en: 'Living with relatives' },
};

export const OTHER_HOUSING_TITLES: Readonly<Record<OtherHousingKind, Title>> = {
  rental: { zh: '租住', en: 'Rented' },
  replacement: { zh: '置换住房', en: 'Replacement house' },
  'public-housing': { zh: '公租房', en: 'Public rental housing' },
  relatives: { zh: '投亲靠友', en: 'With relatives' },
  other: { zh: '其他', en: 'Other' },
};

export const CASE_CAUSE_TITLES: Readonly<Record<CaseCause, Title>> = {
  'monthly-check': { zh: '月度核查发现', en: 'Found by the monthly check' },
  reappraisal: { zh: '群众反映复核发现', en: 'Found by a re-appraisal on a report' },
  disaster: { zh: '灾害损毁', en: 'Damaged by a disaster' },
};

export const CASE_STAGE_TITLES: Readonly<Record<CaseStage, Title>> = {
  measure: { zh: '待确定解决方式', en: 'Measure to choose' },
  renovation: { zh: '改造中（跟踪改造进度）', en: 'Being renovated' },
  closing: { zh: '待销号', en: 'Closing to sign' },
  closed: { zh: '已销号', en: 'Closed' },
};

export const CHECK_KIND_TITLES: Readonly<Record<CheckKind, Title>> = {
  monthly: { zh: '月度核查', en: 'Monthly check' },
  reappraisal: { zh: '复核鉴定', en: 'Re-appraisal' },
};

export const CHECK_STATUS_TITLES: Readonly<Record<'open' | 'done', Title>> = {
  open: { zh: '待核查', en: 'To check' },
  done: { zh: '已核查', en: 'Checked' },
};

export const ROSTER_CHANGE_TITLES: Readonly<Record<RosterChange | 'leaving', Title>> = {
  new: { zh: '新纳入', en: 'New on the roster' },
  changed: { zh: '信息变更', en: 'Changed' },
  unchanged: { zh: '无变化', en: 'Unchanged' },
  leaving: { zh: '退出监测', en: 'Left the roster' },
};

export const ROSTER_FIELD_TITLES: Readonly<Record<RosterField, Title>> = {
  headName: { zh: '户主姓名', en: "Head's name" },
  persons: { zh: '家庭人口', en: 'Household size' },
  categoryName: { zh: '类别', en: 'Category' },
  villageCode: { zh: '村', en: 'Village' },
  phone: { zh: '联系电话', en: 'Phone' },
};

export const DISASTER_TITLES: Readonly<Record<DisasterKind, Title>> = {
  flood: { zh: '洪涝', en: 'Flood' },
  landslide: { zh: '地质灾害', en: 'Landslide' },
  earthquake: { zh: '地震', en: 'Earthquake' },
  storm: { zh: '风雹', en: 'Storm or hail' },
  snow: { zh: '雪灾', en: 'Snow' },
  fire: { zh: '火灾', en: 'Fire' },
  other: { zh: '其他灾害', en: 'Other disaster' },
};

export const VISIT_RESULT_TITLES: Readonly<Record<'lived-in' | 'empty' | 'due', Title>> = {
  'lived-in': { zh: '已入住', en: 'Lived in' },
  empty: { zh: '未入住', en: 'Not lived in' },
  due: { zh: '待回访', en: 'Visit due' },
};

/** The events of a ledger household's audit chain. */
export const LEDGER_EVENT_TITLES: Readonly<Record<string, Title>> = {
  'roster-new': { zh: '纳入监测名单', en: 'Put on the roster' },
  'roster-changed': { zh: '名单信息变更', en: 'Roster data changed' },
  'roster-left': { zh: '退出监测名单', en: 'Left the roster' },
  'roster-returned': { zh: '重新纳入监测名单', en: 'Back on the roster' },
  check: { zh: '住房安全核查', en: 'House-safety check' },
  'request-reappraisal': { zh: '群众反映，申请复核', en: 'Re-appraisal asked for' },
  'report-disaster': { zh: '灾害损毁登记', en: 'Disaster damage recorded' },
  'choose-measure': { zh: '确定解决方式', en: 'Measure chosen' },
  close: { zh: '销号', en: 'Case closed' },
  'renovation-accepted': { zh: '改造竣工验收并归档', en: 'Renovation accepted and archived' },
  visit: { zh: '入住回访', en: 'Follow-up visit' },
  'confirm-photo': { zh: '照片核验', en: 'Photo verified' },
};

/** The photo steps of the ledger, which name the object key's folder. */
export const LEDGER_PHOTO_STEP_TITLES: Readonly<Record<'check' | 'disaster' | 'closing' | 'visit', Title>> = {
  check: { zh: '核查照片', en: 'Check photos' },
  disaster: { zh: '灾损照片', en: 'Damage photos' },
  closing: { zh: '销号佐证照片', en: 'Closing evidence' },
  visit: { zh: '回访照片', en: 'Visit photos' },
};
