/**
 * How a household's flags stand, as a few tags a list row can carry: how many hold a step (red),
 * how many only warn (orange), how many a second officer overrode (green); hovering names them.
 */
import { Space, Tag, Tooltip } from 'antd';
import { FLAG_TITLES } from '../../../domain/labels';
import type { Household } from '../../../domain/model';
import { type FlagSummary, summarizeFlags } from '../../../domain/rules/flags';
import { loadedProgram } from './places';
import { useWords } from './words';

/** The summary the server computed (work queues), or one from the household and its program's policy (lists). */
export function flagSummaryOf(household: Pick<Household, 'flags' | 'overrides' | 'programId'>): FlagSummary {
  return summarizeFlags(
    household.flags ?? [],
    household.overrides ?? [],
    loadedProgram(household.programId)?.flagPolicy,
  );
}

export function FlagTags({ summary, testId }: { summary: FlagSummary | undefined; testId?: string }) {
  const words = useWords();
  const { t } = words;
  if (!summary || summary.kinds.length === 0) return <span data-testid={testId}>—</span>;
  const names = summary.kinds.map((kind) => words.label(FLAG_TITLES, kind)).join('；');
  return (
    <Tooltip title={names}>
      <Space size={2} wrap data-testid={testId}>
        {summary.blocking > 0 && <Tag color="red">{t('flagging.blocking', { count: summary.blocking })}</Tag>}
        {summary.warnings > 0 && <Tag color="orange">{t('flagging.warnings', { count: summary.warnings })}</Tag>}
        {summary.overridden > 0 && <Tag color="green">{t('flagging.overridden', { count: summary.overridden })}</Tag>}
      </Space>
    </Tooltip>
  );
}
