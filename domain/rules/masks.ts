/**
 * How personal numbers are shown: every answer of the API, every list, export, notice and log line
 * shows them masked, whatever the caller's role; the full number is given only by
 * `POST /households/{id}/reveal`, with a reason, and recorded on the household's audit trail.
 * Pure string work (no `node:` import), so the console masks with the same rules.
 */

/** `110105********123X`: region and last four stay readable on a public notice, the birth date does not. */
export function maskIdNumber(id: string): string {
  if (id.includes('*')) return id;
  if (id.length <= 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** `****6789`: only the last four digits, and not the length, of a bank account are shown. */
export function maskBankAccount(account: string): string {
  if (account.startsWith('****')) return account;
  return `****${account.length > 4 ? account.slice(-4) : ''}`;
}

/** `138****5678`: the operator prefix and the last four digits of a phone number. */
export function maskPhone(phone: string): string {
  if (phone.includes('*')) return phone;
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}
