import type { Locale } from 'antd/es/locale';
import antdChinese from 'antd/locale/zh_CN';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN';

export type Language = 'zh-CN' | 'en';
const STORAGE_KEY = 'anju.lang';

export function storedLanguage(): Language {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export function rememberLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
}

/** Chinese first: the staff who use the console read Chinese; English is a switch away. */
export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN } },
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  initAsync: false,
});

let antdEnglish: Locale | undefined;

/**
 * English (the console's words and antd's) is downloaded when someone switches to it, or at start when they chose it
 * before: most users never do, and the first screen's JavaScript has a budget.
 */
export async function switchLanguage(language: Language): Promise<void> {
  if (language === 'en' && !i18n.hasResourceBundle('en', 'translation')) {
    const [{ en }, antd] = await Promise.all([import('./en'), import('antd/locale/en_US')]);
    i18n.addResourceBundle('en', 'translation', en);
    antdEnglish = antd.default;
  }
  await i18n.changeLanguage(language);
}

/** antd's own words (date pickers, pagination, empty tables) in the console's language. */
export function antdLocale(language: string): Locale {
  return language === 'en' && antdEnglish ? antdEnglish : antdChinese;
}
