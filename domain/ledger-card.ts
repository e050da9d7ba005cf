/**
 * The household ledger card (农村危房改造对象台帐卡) as a printable page: family situation, grade,
 * mode, money, dates, every signed step of the audit trail and the photos before, during and
 * after renovation. Pure rendering: the caller supplies the photo URLs. Every value is escaped
 * and no full ID number is ever written (the page is printed and filed, and passed around).
 */
import { chinaDate, chinaDateTime } from './china-time';
import type { LedgerPayment } from './funding/bank';
import { yuanText } from './funding/money';
import {
  type AreaList,
  CATEGORY_TITLES,
  CHECK_RESULT_TITLES,
  EVENT_TITLES,
  FLAG_TITLES,
  GRADE_TITLES,
  householdReference,
  installmentTitle,
  labelOf,
  MODE_TITLES,
  milestoneTitle,
  OUTCOME_TITLES,
  PAYMENT_STATUS_TITLES,
  PHOTO_KIND_TITLES,
  placeOf,
  ROLE_TITLES,
  STRUCTURE_TITLES,
  UNKNOWN_FLAG,
} from './labels';
import type { AuditEvent, Household, Inspection, Photo } from './model';
import { type FlagPolicy, flagLevel, overrideOf } from './rules/flags';
import { maskIdNumber } from './rules/idNumber';

export interface LedgerCardPhoto extends Pick<Photo, 'photoId' | 'kind' | 'step' | 'flags'> {
  capturedAt?: string | undefined;
  /** Where the browser loads the image from (a presigned GET URL, or a data: URI). */
  url: string;
}

export interface LedgerCardInput {
  household: Household;
  events: readonly AuditEvent[];
  inspections: readonly Inspection[];
  payments: readonly (Pick<LedgerPayment, 'installment' | 'amount' | 'status'> &
    Partial<Pick<LedgerPayment, 'approvedBy' | 'releasedBy' | 'reference' | 'bankReference' | 'paidAt'>>)[];
  photos: readonly LedgerCardPhoto[];
  /** ISO time the card was generated. */
  generatedAt: string;
  programName?: string | undefined;
  /**
   * The program's area list and installment plan, to name the village and the milestones; without
   * it the card names the village by its code.
   */
  program?:
    | (AreaList & {
        readonly installments?: readonly { milestone: string; label: string }[];
        readonly flagPolicy?: FlagPolicy | undefined;
      })
    | undefined;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

const PHOTO_SECTIONS: readonly { kinds: readonly Photo['kind'][]; title: string }[] = [
  { kinds: ['before'], title: PHOTO_KIND_TITLES.before.zh },
  { kinds: ['during'], title: PHOTO_KIND_TITLES.during.zh },
  { kinds: ['after', 'after-with-head'], title: PHOTO_KIND_TITLES.after.zh },
];

function flagText(flags: readonly string[]): string {
  return flags.map((flag) => labelOf(FLAG_TITLES, flag, 'zh', UNKNOWN_FLAG.zh)).join('、');
}

function text(value: unknown): string {
  return value === undefined || value === null || value === '' ? '—' : escapeHtml(value);
}

function dateOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? chinaDate(value) : undefined;
}

function row(label: string, value: string): string {
  return `<tr><th>${escapeHtml(label)}</th><td>${value}</td></tr>`;
}

function outcomeOf(event: AuditEvent): string {
  const outcome = event.details.outcome;
  return typeof outcome === 'string' ? labelOf(OUTCOME_TITLES, outcome, 'zh', '') : '';
}

function eventsTable(events: readonly AuditEvent[]): string {
  const rows = [...events]
    .sort((a, b) => a.seq - b.seq)
    .map(
      (event) =>
        `<tr data-seq="${event.seq}"><td>${event.seq}</td>` +
        `<td>${escapeHtml(labelOf(EVENT_TITLES, event.type, 'zh', '其他记录'))}</td><td>${text(outcomeOf(event))}</td>` +
        `<td>${escapeHtml(event.actor)}<br><small>${escapeHtml(labelOf(ROLE_TITLES, event.role, 'zh'))}</small></td>` +
        `<td>${escapeHtml(chinaDateTime(event.at))}</td><td class="hash">${escapeHtml(event.hash.slice(0, 12))}</td></tr>`,
    )
    .join('');
  return (
    '<table class="grid"><thead><tr><th>序号</th><th>环节</th><th>结论</th><th>经办人</th><th>时间</th><th>校验</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

function inspectionsTable(inspections: readonly Inspection[], program: LedgerCardInput['program']): string {
  if (inspections.length === 0) return '<p>无</p>';
  const labelOfMilestone = (code: string) =>
    milestoneTitle(code, 'zh', program?.installments?.find((i) => i.milestone === code)?.label);
  const rows = inspections
    .map(
      (i) =>
        `<tr><td>${escapeHtml(labelOfMilestone(i.milestone))}</td><td>第 ${i.round} 次</td><td>${escapeHtml(chinaDate(i.date))}</td>` +
        `<td>${escapeHtml(labelOf(CHECK_RESULT_TITLES, i.result, 'zh'))}</td><td>${escapeHtml(i.inspector)}</td>` +
        `<td>${text(i.rectification ? `${i.rectification.what}（${chinaDate(i.rectification.by)} 前）` : '')}</td>` +
        `<td>${text(flagText(i.flags ?? []))}</td></tr>`,
    )
    .join('');
  return (
    '<table class="grid"><thead><tr><th>节点</th><th>轮次</th><th>日期</th><th>结论</th><th>验收人</th><th>整改要求</th><th>提示</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>`
  );
}

/** Each installment with both signatures (经办 maker, 复核 checker) and the bank's answer and numbers. */
function paymentsTable(payments: LedgerCardInput['payments']): string {
  if (payments.length === 0) return '<p>无</p>';
  const rows = [...payments]
    .sort((a, b) => a.installment - b.installment)
    .map(
      (p) =>
        `<tr><td>${installmentTitle(p.installment, 'zh')}</td><td>${yuanText(p.amount)}</td>` +
        `<td>${escapeHtml(labelOf(PAYMENT_STATUS_TITLES, p.status === 'released' && p.approvedBy ? 'approved' : p.status, 'zh'))}</td>` +
        `<td>${text(p.releasedBy)}</td><td>${p.approvedBy ? escapeHtml(p.approvedBy) : '待复核'}</td>` +
        `<td>${text(p.reference)}</td><td>${text(p.bankReference)}</td><td>${text(p.paidAt ? chinaDateTime(p.paidAt) : undefined)}</td></tr>`,
    )
    .join('');
  return (
    '<table class="grid"><thead><tr><th>期次</th><th>金额</th><th>状态</th><th>经办人</th><th>复核人</th>' +
    `<th>业务参考号</th><th>银行流水号</th><th>到账时间</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

/** Every flag of the file, its level, and who let the step go on and why (谁核查、谁签字、谁负责). */
function flagsTable(household: LedgerCardInput['household'], policy: FlagPolicy | undefined): string {
  const flags = household.flags ?? [];
  if (flags.length === 0) return '<p>无</p>';
  const rows = flags
    .map((flag) => {
      const override = overrideOf(flag, household.overrides ?? []);
      const handling = override
        ? `${escapeHtml(override.by)} 于 ${escapeHtml(chinaDateTime(override.at))} 核实放行：${escapeHtml(override.reason)}`
        : flagLevel(policy, flag.kind) === 'block'
          ? '未放行（阻止办理）'
          : '提醒';
      return (
        `<tr><td>${escapeHtml(labelOf(FLAG_TITLES, flag.kind, 'zh'))}</td><td>${text(flag.note?.zh)}</td>` +
        `<td>${escapeHtml(chinaDateTime(flag.raisedAt))}</td><td>${handling}</td></tr>`
      );
    })
    .join('');
  return `<table class="grid"><thead><tr><th>提示</th><th>说明</th><th>发现时间</th><th>处理</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function photoFigure(photo: LedgerCardPhoto): string {
  const caption = [
    photo.kind === 'after-with-head' ? '户主在房前' : '',
    photo.capturedAt ? chinaDateTime(photo.capturedAt) : '',
  ]
    .filter(Boolean)
    .join(' ');
  const flags = photo.flags.length > 0 ? `<br><small class="flag">${escapeHtml(flagText(photo.flags))}</small>` : '';
  return (
    `<figure data-photo-id="${escapeHtml(photo.photoId)}"><img src="${escapeHtml(photo.url)}" alt="${escapeHtml(labelOf(PHOTO_KIND_TITLES, photo.kind, 'zh'))}">` +
    `<figcaption>${text(caption)}${flags}</figcaption></figure>`
  );
}

function photoSections(photos: readonly LedgerCardPhoto[]): string {
  return PHOTO_SECTIONS.map(({ kinds, title }) => {
    const shown = photos.filter((photo) => kinds.includes(photo.kind));
    const body = shown.length > 0 ? shown.map(photoFigure).join('') : '<p>无</p>';
    return `<section class="photos"><h3>${escapeHtml(title)}</h3><div class="row">${body}</div></section>`;
  }).join('');
}

const STYLE = `
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; font-size: 11pt; color: #000; margin: 0; }
h1 { text-align: center; font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 12pt; border-bottom: 1px solid #000; margin: 5mm 0 2mm; }
h3 { font-size: 11pt; margin: 2mm 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: 1mm 2mm; text-align: left; vertical-align: top; }
table.facts th { width: 28%; background: #f2f2f2; }
table.grid th { background: #f2f2f2; }
small { color: #444; }
.hash { font-family: monospace; font-size: 8pt; }
.flag { color: #a00; }
.row { display: flex; flex-wrap: wrap; gap: 3mm; }
figure { margin: 0; width: 55mm; break-inside: avoid; }
figure img { width: 55mm; height: 41mm; object-fit: cover; border: 1px solid #999; }
figcaption { font-size: 8pt; }
tr, section { break-inside: avoid; }
footer { margin-top: 6mm; font-size: 8pt; color: #444; }
`;

/** The whole ledger card as one self-contained HTML document. */
export function renderLedgerCard(input: LedgerCardInput): string {
  const { household } = input;
  const agreement = [...input.events].reverse().find((event) => event.type === 'sign-agreement')?.details ?? {};
  const accepted = input.inspections.find((i) => i.milestone === 'acceptance' && i.result === 'pass');
  const place = placeOf(input.program, household.villageCode);
  const members =
    household.members.length > 0
      ? household.members
          .map(
            (m) =>
              `${escapeHtml(m.name)}（${escapeHtml(m.relation)}${m.idNumber ? `，${escapeHtml(maskIdNumber(m.idNumber))}` : ''}）`,
          )
          .join('；')
      : '—';
  const facts = [
    row('户主', text(household.head.name)),
    row('身份证号', escapeHtml(maskIdNumber(household.head.idNumber))),
    row('家庭人口', `${household.members.length + 1} 人`),
    row('家庭成员', members),
    row('对象类别', escapeHtml(labelOf(CATEGORY_TITLES, household.category, 'zh'))),
    row(
      '所在地',
      place
        ? text([place.township, place.village].filter(Boolean).join(' '))
        : `行政村代码 ${escapeHtml(household.villageCode)}`,
    ),
    row(
      '原房屋',
      `${escapeHtml(labelOf(STRUCTURE_TITLES, household.house.structure, 'zh'))}，${escapeHtml(household.house.areaM2)} 平方米`,
    ),
    row('危险等级', household.grade ? escapeHtml(labelOf(GRADE_TITLES, household.grade, 'zh')) : '—'),
    row('改造方式', text(household.mode ? labelOf(MODE_TITLES, household.mode, 'zh') : undefined)),
    row('核定补助', yuanText(household.approvedSubsidy)),
    row('自筹资金', yuanText(agreement.ownFunds)),
    row('银行贷款', yuanText(agreement.bankLoan)),
    row('协议签订', text(dateOf(agreement.signedOn))),
    row('计划开工 / 竣工', `${text(dateOf(agreement.plannedStart))} / ${text(dateOf(agreement.plannedFinish))}`),
    row('竣工验收', text(dateOf(accepted?.date))),
  ].join('');
  const title = input.programName ? `${escapeHtml(input.programName)} · ` : '';
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>农村危房改造对象台帐卡 ${escapeHtml(household.head.name)} ${escapeHtml(householdReference(household.householdId))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>农村危房改造对象台帐卡</h1>
<p>${title}户主 ${escapeHtml(household.head.name)}；档案号 ${escapeHtml(householdReference(household.householdId))}</p>
<h2>一、家庭基本情况与改造信息</h2>
<table class="facts"><tbody>${facts}</tbody></table>
<h2>二、验收记录</h2>
${inspectionsTable(input.inspections, input.program)}
<h2>三、补助资金拨付</h2>
${paymentsTable(input.payments)}
<h2>四、提示与核实放行</h2>
${flagsTable(household, input.program?.flagPolicy)}
<h2>五、办理环节（签字留痕）</h2>
${eventsTable(input.events)}
<h2>六、改造前、中、后照片</h2>
${photoSections(input.photos)}
<footer>生成时间 ${escapeHtml(chinaDateTime(input.generatedAt))}（北京时间）；档案编号 ${escapeHtml(household.householdId)}；审计链末端校验值 ${escapeHtml(input.events.length > 0 ? ([...input.events].sort((a, b) => a.seq - b.seq).at(-1)?.hash ?? '') : '')}</footer>
</body>
</html>
`;
}
