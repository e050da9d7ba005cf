import { Alert, App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createHashRouter, Navigate, RouterProvider } from 'react-router-dom';
import { getJson } from './api/client';
import { earlyMe } from './api/early';
import { currentToken, onSessionChange } from './api/session';
import type { Me } from './api/types';
import { LoginPage } from './auth/LoginPage';
import { errorSentence } from './common/errors';
import { antdLocale } from './i18n';
import { AppLayout } from './layout/AppLayout';
import { UserContext } from './layout/UserContext';

// Each screen is its own chunk, loaded on first visit: a phone on a weak network downloads the
// login page, the layout and the screen it opens, not the whole console (ECharts only with the
// dashboard).
const router = createHashRouter([
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <Navigate to="/work" replace /> },
      { path: 'work', lazy: async () => ({ Component: (await import('./work/MyWork')).MyWork }) },
      {
        path: 'households',
        lazy: async () => ({ Component: (await import('./households/HouseholdList')).HouseholdList }),
      },
      {
        path: 'households/new',
        lazy: async () => ({ Component: (await import('./households/RegisterHousehold')).RegisterHousehold }),
      },
      {
        path: 'households/:id',
        lazy: async () => ({ Component: (await import('./households/HouseholdFilePage')).HouseholdFilePage }),
      },
      {
        path: 'inspector',
        lazy: async () => ({ Component: (await import('./inspector/InspectorView')).InspectorView }),
      },
      {
        path: 'inspector/:id',
        lazy: async () => ({ Component: (await import('./inspector/InspectorView')).InspectorView }),
      },
      { path: 'finance', lazy: async () => ({ Component: (await import('./finance/FinanceView')).FinanceView }) },
      { path: 'dashboard', lazy: async () => ({ Component: (await import('./dashboard/Dashboard')).Dashboard }) },
      { path: 'notices', lazy: async () => ({ Component: (await import('./notices/NoticePage')).NoticePage }) },
      { path: 'users', lazy: async () => ({ Component: (await import('./users/UsersPage')).UsersPage }) },
      {
        path: 'monitoring',
        lazy: async () => ({ Component: (await import('./monitoring/MonitoringPage')).MonitoringPage }),
      },
      {
        path: 'monitoring/report',
        lazy: async () => ({ Component: (await import('./monitoring/ReportPage')).ReportPage }),
      },
      {
        path: 'monitoring/:id',
        lazy: async () => ({ Component: (await import('./monitoring/LedgerFilePage')).LedgerFilePage }),
      },
      {
        path: 'households/:id/status-slip',
        lazy: async () => ({ Component: (await import('./public/StatusSlip')).StatusSlip }),
      },
      { path: 'audit', lazy: async () => ({ Component: (await import('./audit/AuditPage')).AuditPage }) },
      { path: '*', element: <Navigate to="/work" replace /> },
    ],
  },
]);

/**
 * Colours dark enough for text on white to pass WCAG AA (4.5:1): antd's default blue and its
 * secondary greys are lighter than that, and county offices print and project these screens.
 */
const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    // antd derives hover and active shades lighter than the base, below 4.5:1 on white: the text
    // of a hovered or focused button must stay as readable as at rest.
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorPrimaryTextHover: '#003eb3',
    colorLink: '#0958d9',
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    colorErrorHover: '#a8071a',
    colorErrorActive: '#820014',
    colorTextSecondary: 'rgba(0, 0, 0, 0.66)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.66)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    colorError: '#c41d1d',
    colorSuccess: '#237804',
    colorWarning: '#ad6800',
  },
};

function SignedIn() {
  const { t, i18n } = useTranslation();
  const [token, setToken] = useState(currentToken());
  const [me, setMe] = useState<Me>();
  const [failure, setFailure] = useState<unknown>();

  useEffect(() => onSessionChange(() => setToken(currentToken())), []);
  useEffect(() => {
    setMe(undefined);
    setFailure(undefined);
    if (!token) return;
    // index.html may have asked already, while this code was downloading.
    earlyMe(token)
      .then((me) => me ?? getJson<Me>('/me'))
      .then(setMe, setFailure);
  }, [token]);

  if (!token) return <LoginPage />;
  if (failure !== undefined)
    return (
      <main className="login-page">
        <Alert type="warning" showIcon title={errorSentence(failure, t, i18n.language)} />
      </main>
    );
  // A plain line while the user is read: the spinner component would cost the first screen bytes.
  if (!me)
    return (
      <main className="login-page" aria-busy="true">
        {t('common.loading')}…
      </main>
    );
  return (
    <UserContext.Provider value={me}>
      <RouterProvider router={router} />
    </UserContext.Provider>
  );
}

// The household's own page answers without a staff login (POST /public/status).
const PublicStatusPage = lazy(async () => ({ default: (await import('./public/StatusPage')).StatusPage }));

/** `#/status`: the public page, outside the staff's sign-in. */
function isPublicRoute(): boolean {
  return window.location.hash.startsWith('#/status');
}

export function ConsoleApp({ callbackError }: { callbackError?: boolean }) {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  useEffect(() => {
    dayjs.locale(english ? 'en' : 'zh-cn');
    document.documentElement.lang = english ? 'en' : 'zh-CN';
  }, [english]);
  return (
    <ConfigProvider locale={antdLocale(i18n.language)} theme={THEME}>
      <AntApp>
        {isPublicRoute() ? (
          <Suspense fallback={null}>
            <PublicStatusPage />
          </Suspense>
        ) : callbackError ? (
          <LoginPage callbackError />
        ) : (
          <SignedIn />
        )}
      </AntApp>
    </ConfigProvider>
  );
}
