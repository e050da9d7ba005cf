import { Typography } from 'antd';
import { householdReference } from '../../../domain/labels';
import { type HouseholdSummary, usePlaces } from './places';

/**
 * A household as people name it: the head's name and the village, with the short reference for
 * telling two 王 of one village apart. Never the 36-character id.
 */
export function HouseholdName({
  householdId,
  summary,
  withReference = true,
}: {
  householdId: string;
  summary: HouseholdSummary | undefined;
  withReference?: boolean;
}) {
  const places = usePlaces();
  return (
    <span data-household={householdId}>
      {summary ? (
        <>
          <Typography.Text strong>{summary.headName}</Typography.Text> · {places.place(summary.villageCode)}
        </>
      ) : null}
      {withReference && (
        <Typography.Text type="secondary" style={{ marginLeft: summary ? 8 : 0 }}>
          {householdReference(householdId)}
        </Typography.Text>
      )}
    </span>
  );
}

/** The same as plain text, for confirmations and messages. */
export function householdText(
  householdId: string,
  summary: { headName: string; villageCode: string } | undefined,
  place: (villageCode: string) => string,
  language: 'zh' | 'en',
): string {
  const reference = householdReference(householdId);
  if (!summary) return reference;
  return language === 'en'
    ? `${summary.headName} (${place(summary.villageCode)}, ${reference})`
    : `${summary.headName}（${place(summary.villageCode)}，${reference}）`;
}
