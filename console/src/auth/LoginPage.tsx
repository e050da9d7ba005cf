import { Alert, Button, Card, Form, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson, postJson } from '../api/client';
import { config } from '../api/config';
import { startSession } from '../api/session';
import type { DevUser } from '../api/types';
import { errorSentence } from '../common/errors';
import { useLoad } from '../common/hooks';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { startCognitoLogin } from './cognito';

export function LoginPage({ callbackError }: { callbackError?: boolean }) {
  const { t, i18n } = useTranslation();
  const local = config().auth === 'local';
  const users = useLoad(
    () => (local ? getJson<{ users: DevUser[] }>('/auth/dev-users') : Promise.resolve({ users: [] })),
    [local],
  );
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function login({ username }: { username: string }) {
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
    <div className="login-page">
      <Card title={t('app.title')} extra={<LanguageSwitch />} style={{ width: 'min(440px, 100%)' }}>
        <Typography.Title level={4}>{t('login.title')}</Typography.Title>
        {callbackError && <Alert type="error" title={t('login.callbackFailed')} style={{ marginBottom: 16 }} />}
        {(failure ?? users.error) && (
          <Alert type="error" data-testid="login-error" title={failure ?? users.error} style={{ marginBottom: 16 }} />
        )}
        {local ? (
          <Form layout="vertical" onFinish={login}>
            <Form.Item name="username" label={t('login.pickUser')} rules={[{ required: true }]}>
              <Select
                data-testid="login-user"
                showSearch={{ optionFilterProp: 'label' }}
                loading={users.loading}
                options={(users.data?.users ?? []).map((user) => ({
                  value: user.username,
                  label: `${user.displayName} · ${user.roles.map((role) => t(`roles.${role}`)).join('/')} · ${user.username}`,
                }))}
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} block data-testid="login-submit">
              {t('login.submit')}
            </Button>
          </Form>
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
      </Card>
    </div>
  );
}
