/**
 * Times as the people of a Chinese county read them: Beijing time (UTC+8, no daylight saving),
 * whatever the zone of the server or of the office PC. The API stores UTC ISO instants and
 * `YYYY-MM-DD` calendar dates; only instants move, a calendar date is already a day in China.
 */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

function chinaIso(value: string): string | undefined {
  if (CALENDAR_DATE.test(value)) return `${value}T00:00:00.000Z`;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms + CHINA_OFFSET_MS).toISOString();
}

/** `2025-06-02T02:15:00.000Z` -> `2025-06-02 10:15`; a calendar date stays as it is. */
export function chinaDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  if (CALENDAR_DATE.test(value)) return value;
  const iso = chinaIso(value);
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '—';
}

/** `2025-06-01T17:00:00.000Z` -> `2025-06-02` (the day in China). */
export function chinaDate(value: string | null | undefined): string {
  if (!value) return '—';
  return chinaIso(value)?.slice(0, 10) ?? '—';
}

/** Today's date in China, `YYYY-MM-DD`: the day a form's "not in the future" is measured against. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** `2026-12-04` in Chinese (`2026年12月4日`) for printed notices. */
export function chineseCalendarDate(value: string): string {
  const day = chinaDate(value);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  return `${match[1]}年${Number(match[2])}月${Number(match[3])}日`;
}

/** Adds calendar days to a `YYYY-MM-DD` date. */
export function addCalendarDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
