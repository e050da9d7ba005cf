import { Input } from 'antd';
import type { FocusEvent } from 'react';
import { parseDate } from './format';

/**
 * A date field that takes what people type (2026/12/4, 2026-12-04, 20261204, 2026年12月4日) and
 * shows it as 2026-12-04 once it is understood. Text it cannot read stays as typed, for the form
 * to say what is wrong: nothing is erased.
 */
export function DateInput({
  value,
  onChange,
  id,
  testId,
  ...rest
}: {
  value?: string;
  onChange?: (value: string) => void;
  id?: string;
  testId?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}) {
  function normalise(event: FocusEvent<HTMLInputElement>) {
    const parsed = parseDate(event.target.value);
    if (parsed.ok && parsed.date !== event.target.value) onChange?.(parsed.date);
  }
  return (
    <Input
      {...rest}
      id={id}
      value={value ?? ''}
      inputMode="numeric"
      placeholder="2026-12-04"
      autoComplete="off"
      onChange={(event) => onChange?.(event.target.value)}
      onBlur={normalise}
      data-testid={testId}
    />
  );
}
