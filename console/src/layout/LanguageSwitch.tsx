import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Language, rememberLanguage, switchLanguage } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const next: Language = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <Button
      size="small"
      data-testid="language-switch"
      onClick={() => {
        rememberLanguage(next);
        void switchLanguage(next);
      }}
    >
      {t('nav.language')}
    </Button>
  );
}
