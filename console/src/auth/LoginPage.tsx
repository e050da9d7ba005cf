import { Alert, Button, Select } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLE_TITLES } from '../../../domain/labels';
import { getJson, postJson } from '../api/client';
import { config } from '../api/config';
import { startSession } from '../api/session';
import type { DevUser } from '../api/types';
import { errorSentence } from '../common/errors';
import { languageOf } from '../common/format';
import { useLoad } from '../common/hooks';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { startCognitoLogin } from './cognito';

/**
 * The first screen of every visit: kept to a few light components (no card, no form library), as
 * it is what a phone on a weak network downloads before anything else.
 */
export function LoginPage({ callbackError }: { callbackError?: boolean }) {
  const { t, i18n } = useTranslation();
  const language = languageOf(i18n.language);
  const local = config().auth === 'local';
  const users = useLoad(
    () => (local ? getJson<{ users: DevUser[] }>('/auth/dev-users') : Promise.resolve({ users: [] })),
    [local],
  );
  const [username, setUsername] = useState<string>();
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const labelId = useId();

  async function login() {
    if (!username) return;
    setBusy(true);
    setFailure(undefined);
    try {
      const { token } = await postJson<{ token: string }>('/auth/dev-login', { username });
      startSession(token);
    } catch (error) {
      setFailure(errorSentence(error, t, i18n.language));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login-page">
      <section className="login-box" aria-labelledby="login-title">
        <div className="login-head">
          <strong>{t('app.title')}</strong>
          <LanguageSwitch />
        </div>
        <h1 id="login-title" className="login-title">
          {t('login.title')}
        </h1>
        {callbackError && <Alert type="error" title={t('login.callbackFailed')} style={{ marginBottom: 16 }} />}
        {(failure ?? users.error) && (
          <Alert type="error" data-testid="login-error" title={failure ?? users.error} style={{ marginBottom: 16 }} />
        )}
        {local ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void login();
            }}
          >
            <label id={labelId} className="login-label" htmlFor="login-user">
              {t('login.pickUser')}
            </label>
            <Select
              id="login-user"
              aria-labelledby={labelId}
              value={username}
              onChange={setUsername}
              style={{ width: '100%', marginBottom: 16 }}
              data-testid="login-user"
              showSearch={{ optionFilterProp: 'label' }}
              loading={users.loading}
              options={(users.data?.users ?? []).map((user) => ({
                value: user.username,
                label: `${user.displayName} · ${user.roles.map((role) => ROLE_TITLES[role]?.[language] ?? '').join('/')} · ${user.username}`,
              }))}
            />
            <Button
              type="primary"
              htmlType="submit"
              loading={busy}
              disabled={!username}
              block
              data-testid="login-submit"
            >
              {t('login.submit')}
            </Button>
          </form>
        ) : (
          <Button
            type="primary"
            block
            onClick={() => {
              const cognito = config().cognito;
              if (cognito) void startCognitoLogin(cognito);
            }}
          >
            {t('login.cognito')}
          </Button>
        )}
      </section>
    </main>
  );
}
