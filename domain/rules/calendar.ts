/**
 * Business deadlines count working days, Monday to Friday, in China Standard Time (UTC+8, no
 * daylight saving), so a step created on Friday evening in Beijing is not counted from a UTC
 * Friday. Public holidays and the make-up working weekends (调休) are NOT modelled yet: a
 * deadline across Spring Festival or National Day comes out too early, which errs on the side
 * of surfacing a delay.
 */
import { chinaToday } from '../china-time';
import type { Phase, ProgramConfig } from '../model';

export { chinaDateTime } from '../china-time';

const DAY_MS = 86_400_000;
/** China Standard Time: UTC+8 all year (no daylight saving). */
export const CHINA_OFFSET = '+08:00';
const CHINA_OFFSET_MS = 8 * 3_600_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar day in China of an instant, `YYYY-MM-DD`: the business day (a bank batch, a signature). */
export function chinaDay(at: Date): string {
  return chinaToday(at);
}

/** The first instant of the China calendar day `YYYY-MM-DD`, in epoch milliseconds. */
export function startOfChinaDay(date: string): number {
  return Date.parse(`${date}T00:00:00${CHINA_OFFSET}`);
}

/** Used when a program configuration names no deadline for a step. */
export const DEFAULT_DEADLINE_WORKING_DAYS = 10;

function isWeekend(utcMs: number, offsetMs: number): boolean {
  const day = new Date(utcMs + offsetMs).getUTCDay();
  return day === 0 || day === 6;
}

/**
 * Moves `startIso` forward by `days` working days, keeping the time of day. Accepts a timestamp
 * (returns an ISO timestamp in UTC) or a `YYYY-MM-DD` date (returns a date).
 */
export function addWorkingDays(startIso: string, days: number): string {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a non-negative integer: ${days}`);
  const dateOnly = DATE_ONLY.test(startIso);
  let ms = Date.parse(dateOnly ? `${startIso}T00:00:00Z` : startIso);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO date or timestamp: ${startIso}`);
  // A date alone has no time zone: its weekday is the calendar's.
  const offset = dateOnly ? 0 : CHINA_OFFSET_MS;
  let remaining = days;
  while (remaining > 0) {
    ms += DAY_MS;
    if (!isWeekend(ms, offset)) remaining--;
  }
  const result = new Date(ms).toISOString();
  return dateOnly ? result.slice(0, 10) : result;
}

/** True once `nowIso` is past `dueAt`. */
export function isOverdue(dueAt: string, nowIso: string): boolean {
  const due = Date.parse(dueAt);
  const now = Date.parse(nowIso);
  if (Number.isNaN(due) || Number.isNaN(now)) throw new RangeError(`not ISO timestamps: ${dueAt}, ${nowIso}`);
  return now > due;
}

/** When a human step opened at `openedAt` is due, from the program's deadlines in working days. */
export function dueAtFor(config: Pick<ProgramConfig, 'deadlines'>, step: Phase, openedAt: string): string {
  return addWorkingDays(openedAt, config.deadlines[step] ?? DEFAULT_DEADLINE_WORKING_DAYS);
}
