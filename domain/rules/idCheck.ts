/**
 * The check character of an 18-digit resident ID number (GB 11643-1999, ISO 7064 MOD 11-2), apart
 * from idNumber.ts because it needs no `node:crypto`: the example bodies of the API contract, which
 * the console may import, build valid demo ID numbers with it.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The check character for the first 17 digits (throws on anything but 17 digits). */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}
