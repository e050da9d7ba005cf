/**
 * The names of every code the API returns (phases, actions and events, outcomes, categories,
 * structures, modes, milestones, payment statuses, flags, roles, photo kinds, decisions, grades...),
 * in the words of the program's own documents (domain.md), in Chinese and English. One table
 * serves the process description, the Excel exports, the ledger card and the console, so a county
 * never sees two names for one thing, nor a code where a word belongs.
 */
import type { SUPERVISION_STAGES } from './actions';
import type { Action, Category, Grade, Phase, Role } from './model';
import type { FlagKind } from './rules/flag-kinds';

export type Title = { readonly zh: string; readonly en: string };
export type Language = keyof Title;

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
export function titlesIn<K extends string>(language: Language, titles: Readonly<Record<K, Title>>): Record<K, string> {
  return Object.fromEntries(Object.entries<Title>(titles).map(([key, title]) => [key, title[language]])) as Record<
    K,
    string
  >;
}

/**
 * The label of a code in one language. A code the table does not know (a newer server, a program's
 * own milestone) reads as `fallback` when one is given: a person is never shown the bare code if a
 * better word is at hand.
 */
export function labelOf(
  titles: Readonly<Record<string, Title>>,
  code: string | null | undefined,
  language: Language,
  fallback?: string,
): string {
  if (code === null || code === undefined || code === '') return fallback ?? '—';
  const title = Object.hasOwn(titles, code) ? titles[code] : undefined;
  return title ? title[language] : (fallback ?? code);
}

export const PHASE_TITLES_ZH: Readonly<Record<Phase, string>> = titlesIn('zh', PHASE_TITLES);

export type EventType =
  | Action
  | 'register'
  | 'confirm-photo'
  | 'open-notice'
  | 'close-notice'
  | 'archive'
  | 'reveal'
  | 'override'
  | 'flags-raised'
  | 'approve-payment'
  | 'bank-result'
  | 'retry-payment';

/** What the household's file records: each action (the step it completes has the same name) and each system step. */
export const EVENT_TITLES: Readonly<Record<EventType, Title>> = {
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
  'move-in': { zh: '入住登记', en: 'Moved in' },
  'confirm-photo': { zh: '照片核验', en: 'Photo verified' },
  'release-installment': PHASE_TITLES['installment-release'],
  accept: PHASE_TITLES['final-acceptance'],
  archive: { zh: '归档', en: 'Archived' },
  reveal: { zh: '查看完整号码', en: 'Full number shown' },
  override: { zh: '核实放行', en: 'Flag overridden' },
  'flags-raised': { zh: '发现提示', en: 'Flags found' },
  'approve-payment': { zh: '拨付复核', en: 'Release approved (second signature)' },
  'bank-result': { zh: '银行回盘', en: "Bank's answer" },
  'retry-payment': { zh: '重新发送银行', en: 'Sent to the bank again' },
};

/** Which personal number a `reveal` event showed in full. */
export const REVEALED_FIELD_TITLES: Readonly<Record<'idNumber' | 'phone' | 'bankAccount', Title>> = {
  idNumber: { zh: '身份证号', en: 'ID number' },
  phone: { zh: '联系电话', en: 'Phone number' },
  bankAccount: { zh: '一卡通账号', en: 'Bank account' },
};

export const ROLE_TITLES: Readonly<Record<Role | 'system', Title>> = {
  'civil-affairs': { zh: '民政', en: 'Civil affairs' },
  construction: { zh: '住建', en: 'Construction' },
  inspector: { zh: '质检/验收', en: 'Inspector' },
  finance: { zh: '财政', en: 'Finance' },
  auditor: { zh: '审计', en: 'Auditor' },
  leader: { zh: '领导', en: 'Leader' },
  admin: { zh: '管理员', en: 'Administrator' },
  system: { zh: '系统', en: 'System' },
};

export const ROLE_TITLES_ZH: Readonly<Record<Role, string>> = {
  'civil-affairs': ROLE_TITLES['civil-affairs'].zh,
  construction: ROLE_TITLES.construction.zh,
  inspector: ROLE_TITLES.inspector.zh,
  finance: ROLE_TITLES.finance.zh,
  auditor: ROLE_TITLES.auditor.zh,
  leader: ROLE_TITLES.leader.zh,
  admin: ROLE_TITLES.admin.zh,
};

export const CATEGORY_TITLES: Readonly<Record<Category, Title>> = {
  'minimum-living-guarantee': { zh: '低保户', en: 'Minimum living guarantee' },
  'extremely-poor': { zh: '分散供养特困人员', en: 'Extremely poor (dispersed support)' },
  'registered-poor': { zh: '建档立卡贫困户', en: 'Registered poor' },
  'disabled-poor': { zh: '贫困残疾人家庭', en: 'Poor with disabled members' },
  'disaster-hardship': { zh: '因灾因病因残失能家庭', en: 'Disaster, illness or disability' },
  other: { zh: '其他', en: 'Other' },
};

export const CATEGORY_TITLES_ZH: Readonly<Record<Category, string>> = titlesIn('zh', CATEGORY_TITLES);

export const STRUCTURE_TITLES: Readonly<Record<string, Title>> = {
  earth: { zh: '土木', en: 'Earth' },
  'brick-wood': { zh: '砖木', en: 'Brick and wood' },
  'brick-concrete': { zh: '砖混', en: 'Brick and concrete' },
  stone: { zh: '石木', en: 'Stone' },
  wood: { zh: '木结构', en: 'Wood' },
  other: { zh: '其他', en: 'Other' },
};

export const MODE_TITLES: Readonly<Record<'rebuild' | 'repair', Title>> = {
  rebuild: { zh: '拆除重建', en: 'Rebuild' },
  repair: { zh: '修缮加固', en: 'Repair and reinforce' },
};

export const SITE_TITLES: Readonly<Record<'dispersed' | 'centralized', Title>> = {
  dispersed: { zh: '分散建房', en: 'Dispersed' },
  centralized: { zh: '集中建房点', en: 'Centralized site' },
};

export const FOUND_BY_TITLES: Readonly<Record<'application' | 'proactive', Title>> = {
  application: { zh: '农户申请', en: 'Application by the household' },
  proactive: { zh: '主动发现', en: 'Found by staff' },
};

/** Safety grades of the appraisal (房屋危险性鉴定), in the A–D scheme and the 一 / 二 / 三级危房 scheme. */
export const GRADE_TITLES: Readonly<Record<Grade, Title>> = {
  A: { zh: 'A级（安全）', en: 'Grade A (safe)' },
  B: { zh: 'B级（基本安全）', en: 'Grade B (mostly safe)' },
  C: { zh: 'C级（局部危险）', en: 'Grade C (partly dangerous)' },
  D: { zh: 'D级（整体危险）', en: 'Grade D (entirely dangerous)' },
  'level-1': { zh: '一级危房', en: 'First-grade dangerous house' },
  'level-2': { zh: '二级危房', en: 'Second-grade dangerous house' },
  'level-3': { zh: '三级危房', en: 'Third-grade dangerous house' },
};

/**
 * The milestones of the demo program's installment plan. A program names its own milestones
 * (with a Chinese label in its configuration); these are the English words for the usual ones.
 */
export const MILESTONE_TITLES: Readonly<Record<string, Title>> = {
  agreement: { zh: '开工预拨', en: 'Advance at signing' },
  foundation: { zh: '地基验收', en: 'Foundation' },
  'main-structure': { zh: '主体验收', en: 'Main structure' },
  acceptance: { zh: '竣工验收', en: 'Final acceptance' },
};

/** What a step decided: the `outcome` of an audit event. */
export const OUTCOME_TITLES: Readonly<Record<string, Title>> = {
  qualified: { zh: '符合改造条件', en: 'Qualifies' },
  'not-qualified': { zh: '不符合改造条件', en: 'Does not qualify' },
  approved: { zh: '通过', en: 'Approved' },
  rejected: { zh: '不通过', en: 'Rejected' },
  approve: { zh: '同意', en: 'Approved' },
  reject: { zh: '驳回', en: 'Rejected' },
  'send-back': { zh: '退回修改', en: 'Sent back' },
  upheld: { zh: '异议成立', en: 'Objection upheld' },
  dismissed: { zh: '异议不成立', en: 'Objection dismissed' },
  signed: { zh: '已签订', en: 'Signed' },
  released: { zh: '已拨付', en: 'Released' },
  pass: { zh: '合格', en: 'Passed' },
  fail: { zh: '不合格', en: 'Failed' },
  'no-objection': { zh: '无异议', en: 'No objection' },
  objections: { zh: '有异议', en: 'Objections received' },
  resync: { zh: '已同步', en: 'Resynchronised' },
};

/** The choices of the review and approval forms (`decision`). */
export const DECISION_TITLES: Readonly<Record<'approve' | 'reject' | 'send-back', Title>> = {
  approve: { zh: '同意', en: 'Approve' },
  reject: { zh: '驳回', en: 'Reject' },
  'send-back': { zh: '退回修改', en: 'Send back' },
};

/** The result of the village vote (`result` of 村民主评议). */
export const VOTE_RESULT_TITLES: Readonly<Record<'approved' | 'rejected', Title>> = {
  approved: { zh: '通过', en: 'Approved' },
  rejected: { zh: '不通过', en: 'Rejected' },
};

/** The result of an inspection or acceptance. */
export const CHECK_RESULT_TITLES: Readonly<Record<'pass' | 'fail', Title>> = {
  pass: { zh: '合格', en: 'Pass' },
  fail: { zh: '不合格', en: 'Fail' },
};

export const RESOLUTION_TITLES: Readonly<Record<'upheld' | 'dismissed' | 'open', Title>> = {
  upheld: { zh: '异议成立', en: 'Upheld' },
  dismissed: { zh: '异议不成立', en: 'Dismissed' },
  open: { zh: '待处理', en: 'Open' },
};

/** A payment's state; `approved` is a released payment with its second signature, awaiting the bank. */
export const PAYMENT_STATUS_TITLES: Readonly<Record<'released' | 'approved' | 'paid' | 'failed', Title>> = {
  released: { zh: '已拨付待复核', en: 'Released, awaiting approval' },
  approved: { zh: '已复核待银行代发', en: 'Approved, awaiting the bank' },
  paid: { zh: '已到账', en: 'Paid' },
  failed: { zh: '支付失败', en: 'Payment failed' },
};

/** Every kind of flag (domain/rules/flag-kinds.ts): evidence, dates, persons and money. */
export const FLAG_TITLES: Readonly<Record<FlagKind, Title>> = {
  'duplicate-image': { zh: '与其他照片完全相同', en: 'Identical to another photo' },
  'near-duplicate-image': {
    zh: '与其他农户的照片高度相似（疑似翻拍、裁剪或调色后重复使用）',
    en: "Nearly the same picture as another household's photo (re-saved, resized, cropped or brightened)",
  },
  'near-duplicate-stage': { zh: '与本户其他环节的照片高度相似', en: "Nearly the same picture as another step's photo" },
  'gps-far': { zh: '拍摄位置距房屋较远', en: 'Taken far from the house' },
  'gps-missing': { zh: '无定位信息', en: 'No location' },
  'capture-time-missing': { zh: '无拍摄时间', en: 'No capture time' },
  'capture-time-future': { zh: '拍摄时间晚于当前时间', en: 'Capture time in the future' },
  'capture-time-outside-window': { zh: '拍摄时间早于改造协议签订日期', en: 'Taken before the agreement was signed' },
  'stage-too-soon': { zh: '距上一节点时间过短', en: 'Inspected sooner after the previous stage than allowed' },
  'capture-stage-too-soon': {
    zh: '照片拍摄时间距上一节点照片过近',
    en: "Photos taken sooner after the previous stage's photos than allowed",
  },
  'capture-date-mismatch': { zh: '填报日期与照片拍摄日期不符', en: 'The date entered does not match the photos' },
  'build-period-too-short': { zh: '工期短于规定的最短工期', en: 'Built faster than the minimum build period' },
  'person-already-claimed': {
    zh: '家庭成员已在其他农户档案中',
    en: "A person of the household is on another household's file",
  },
  'roster-relocation': { zh: '在易地扶贫搬迁名单中', en: 'On the poverty relocation roster (易地扶贫搬迁)' },
  'roster-past-beneficiary': { zh: '已享受过往年危房改造补助', en: "Received an earlier year's renovation subsidy" },
  'category-not-on-roster': {
    zh: '对象类别未在低保、特困名单中核实',
    en: 'Category not confirmed by the 低保 / 特困 roster',
  },
  'bank-account-shared': { zh: '补助账户与其他农户相同', en: 'Bank account shared with another household' },
  'split-household': { zh: '疑似分户申请', en: 'Looks like a split household' },
};

/** A flag the table does not know yet still reads as words, never as its code. */
export const UNKNOWN_FLAG: Title = { zh: '需复核', en: 'To be checked' };

export const PHOTO_KIND_TITLES: Readonly<Record<'before' | 'during' | 'after' | 'after-with-head', Title>> = {
  before: { zh: '改造前', en: 'Before' },
  during: { zh: '改造中', en: 'During' },
  after: { zh: '改造后', en: 'After' },
  'after-with-head': { zh: '改造后（户主在房前）', en: 'After, with head of household' },
};

export const SUPERVISION_STAGE_TITLES: Readonly<Record<(typeof SUPERVISION_STAGES)[number], Title>> = {
  materials: { zh: '材料进场', en: 'Materials on site' },
  foundation: { zh: '地基', en: 'Foundation' },
  'walls-to-roof': { zh: '墙体至屋面', en: 'Walls up to the roof' },
  'roof-slab': { zh: '屋面浇筑', en: 'Roof slab' },
  curing: { zh: '养护', en: 'Curing' },
  decoration: { zh: '装修', en: 'Finishing' },
};

/** A task's state in a work queue. */
export const TASK_STATUS_TITLES: Readonly<Record<'starting' | 'open' | 'decided', Title>> = {
  starting: { zh: '准备中', en: 'Starting' },
  open: { zh: '待办理', en: 'Open' },
  decided: { zh: '已办理', en: 'Done' },
};

/**
 * Checklist items: the forms send their Chinese names as keys (they are printed on the paper
 * forms); English names for the English console.
 */
export const CHECKLIST_ITEM_TITLES: Readonly<Record<string, Title>> = {
  身份信息: { zh: '身份信息', en: 'Identity papers' },
  鉴定报告: { zh: '鉴定报告', en: 'Appraisal report' },
  基础尺寸: { zh: '基础尺寸', en: 'Foundation dimensions' },
  钢筋规格: { zh: '钢筋规格', en: 'Rebar specification' },
  混凝土强度: { zh: '混凝土强度', en: 'Concrete strength' },
  墙体砌筑: { zh: '墙体砌筑', en: 'Masonry walls' },
  圈梁构造柱: { zh: '圈梁构造柱', en: 'Ring beams and tie columns' },
  屋面结构: { zh: '屋面结构', en: 'Roof structure' },
  结构安全: { zh: '结构安全', en: 'Structurally safe' },
  面积符合: { zh: '面积符合', en: 'Floor area as approved' },
  门窗齐全: { zh: '门窗齐全', en: 'Doors and windows fitted' },
};

/**
 * What an inspector checks at each milestone (the items of the inspection form). A milestone
 * the table does not know gets the structural items.
 */
export const MILESTONE_CHECKLISTS: Readonly<Record<string, readonly string[]>> = {
  foundation: ['基础尺寸', '钢筋规格', '混凝土强度'],
  'main-structure': ['墙体砌筑', '圈梁构造柱', '屋面结构'],
  acceptance: ['结构安全', '面积符合', '门窗齐全'],
};
export const DEFAULT_MILESTONE_CHECKLIST: readonly string[] = ['墙体砌筑', '圈梁构造柱', '屋面结构'];

/** Installments are counted from 1 for people, whatever index the API keeps. */
export function installmentTitle(index: number, language: Language): string {
  return language === 'en' ? `Installment ${index + 1}` : `第 ${index + 1} 期`;
}

/**
 * A milestone's name: the program's own label in Chinese (it is the county's word), the table's
 * English word in English, and never the bare code while a label exists.
 */
export function milestoneTitle(code: string, language: Language, programLabel?: string): string {
  const known = Object.hasOwn(MILESTONE_TITLES, code) ? MILESTONE_TITLES[code] : undefined;
  if (language === 'zh') return programLabel ?? known?.zh ?? code;
  return known?.en ?? programLabel ?? code;
}

/**
 * The short reference of a household where people need one (a list row, a message, a printed
 * card): the first eight characters of its id, upper case, as a clerk can read it out on the
 * phone. Never the whole 36-character id.
 */
export function householdReference(householdId: string): string {
  return householdId.replaceAll('-', '').slice(0, 8).toUpperCase();
}

/** A program's area list as `GET /programs/{id}` gives it: enough to name townships and villages. */
export interface AreaList {
  readonly townships: readonly {
    readonly code: string;
    readonly name: string;
    readonly villages: readonly { readonly code: string; readonly name: string }[];
  }[];
}

/** Township and village names of a village code, from the program's area list. */
export function placeOf(
  areas: AreaList | undefined,
  villageCode: string,
): { township?: string; village?: string } | undefined {
  for (const township of areas?.townships ?? []) {
    const village = township.villages.find((v) => v.code === villageCode);
    if (village) return { township: township.name, village: village.name };
  }
  return undefined;
}
