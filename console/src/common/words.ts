import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { householdReference, labelOf, milestoneTitle, type Title } from '../../../domain/labels';
import { chinaDate, chinaDateTime, installmentTitle, languageOf, yuan, yuanWithUnit } from './format';

/** The screen's words: labels of codes, money, China time and installments in the user's language. */
export function useWords() {
  const { t, i18n } = useTranslation();
  const language = languageOf(i18n.language);
  return useMemo(
    () => ({
      t,
      language,
      i18nLanguage: i18n.language,
      label: (titles: Readonly<Record<string, Title>>, code: string | null | undefined, fallback?: string) =>
        labelOf(titles, code, language, fallback),
      yuan,
      money: (fen: number | null | undefined) => yuanWithUnit(fen, language),
      time: chinaDateTime,
      date: chinaDate,
      installment: (index: number) => installmentTitle(index, language),
      milestone: (code: string, programLabel?: string) => milestoneTitle(code, language, programLabel),
      reference: (householdId: string) => t('common.reference', { reference: householdReference(householdId) }),
    }),
    [t, i18n.language, language],
  );
}
export type Words = ReturnType<typeof useWords>;
