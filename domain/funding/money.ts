/**
 * Integer fen arithmetic shared by the funding rules. Amounts never pass through floating point:
 * a share is the floor of `total * weight / weightTotal` (exact for totals below 2^53 / 100) and
 * the last part takes the remainder, so the parts always add up to the total.
 */

function assertFen(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new RangeError(`${what} must be a non-negative integer number of fen: ${amount}`);
  }
}

/**
 * Splits `totalFen` in proportion to `weights` (any non-negative integers, at least one positive):
 * each part but the last gets the floor of its share, the last takes the remainder.
 */
export function splitProportionally(totalFen: number, weights: readonly number[]): number[] {
  assertFen(totalFen, 'total');
  if (weights.length === 0) throw new RangeError('splitting needs at least one part');
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new RangeError(`weights must be non-negative integers: ${weights.join(',')}`);
  }
  const weightTotal = weights.reduce((sum, w) => sum + w, 0);
  if (weightTotal === 0) throw new RangeError('at least one weight must be positive');
  const parts = weights.slice(0, -1).map((w) => Math.floor((totalFen * w) / weightTotal));
  parts.push(totalFen - parts.reduce((sum, p) => sum + p, 0));
  return parts;
}

/** `123456` fen -> `'1234.56'` yuan, by integer division so no binary fraction can creep in. */
export function fenToYuan(fen: number): string {
  assertFen(fen, 'amount');
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/**
 * An amount as people read it: `123456789` fen -> `'1,234,567.89'`, thousands grouped, always two
 * decimals. The one display format of money (console, ledger card, notices); files for machines
 * (the bank batch) keep `fenToYuan`.
 */
export function formatYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`an amount must be an integer number of fen: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const [whole = '0', cents = '00'] = fenToYuan(Math.abs(fen)).split('.');
  return `${sign}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** `formatYuan` with the unit: `1,234.56 元`, in English `1,234.56 yuan`. */
export function formatYuanWithUnit(fen: number, language: 'zh' | 'en' = 'zh'): string {
  return `${formatYuan(fen)} ${language === 'en' ? 'yuan' : '元'}`;
}

/** An amount for a person to read: `123456` fen -> `'1,234.56 元'`; anything that is not an amount of fen -> `—`. */
export function yuanText(fen: unknown): string {
  return typeof fen === 'number' && Number.isSafeInteger(fen) && fen >= 0 ? formatYuanWithUnit(fen) : '—';
}

/** An amount as a number of yuan for a spreadsheet cell (formatted there with two decimals, never summed here). */
export function yuanAmount(fen: number): number {
  assertFen(fen, 'amount');
  return fen / 100;
}

export function sum(amounts: readonly number[]): number {
  return amounts.reduce((total, a) => total + a, 0);
}
