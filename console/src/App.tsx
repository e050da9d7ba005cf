import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createHashRouter, Navigate, RouterProvider } from 'react-router-dom';
import { getJson } from './api/client';
import { currentToken, onSessionChange } from './api/session';
import type { Me } from './api/types';
import { LoginPage } from './auth/LoginPage';
import { errorSentence } from './common/errors';
import { FinanceView } from './finance/FinanceView';
import { HouseholdFilePage } from './households/HouseholdFilePage';
import { HouseholdList } from './households/HouseholdList';
import { RegisterHousehold } from './households/RegisterHousehold';
import { InspectorView } from './inspector/InspectorView';
import { AppLayout } from './layout/AppLayout';
import { UserContext } from './layout/UserContext';
import { NoticePage } from './notices/NoticePage';
import { MyWork } from './work/MyWork';

// Hash routes: the server only ever serves `/`, so no client route can shadow an API path.
const router = createHashRouter([
  {
    path: '/',
    element: <AppLayout />,
    children: [
      { index: true, element: <Navigate to="/work" replace /> },
      { path: 'work', element: <MyWork /> },
      { path: 'households', element: <HouseholdList /> },
      { path: 'households/new', element: <RegisterHousehold /> },
      { path: 'households/:id', element: <HouseholdFilePage /> },
      { path: 'inspector', element: <InspectorView /> },
      { path: 'inspector/:id', element: <InspectorView /> },
      { path: 'finance', element: <FinanceView /> },
      // ECharts is the largest dependency and only the dashboard draws charts: loaded on first visit.
      { path: 'dashboard', lazy: async () => ({ Component: (await import('./dashboard/Dashboard')).Dashboard }) },
      { path: 'notices', element: <NoticePage /> },
      { path: '*', element: <Navigate to="/work" replace /> },
    ],
  },
]);

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
    getJson<Me>('/me').then(setMe, setFailure);
  }, [token]);

  if (!token) return <LoginPage />;
  if (failure !== undefined) return <Result status="warning" title={errorSentence(failure, t, i18n.language)} />;
  if (!me) return <Spin size="large" fullscreen />;
  return (
    <UserContext.Provider value={me}>
      <RouterProvider router={router} />
    </UserContext.Provider>
  );
}

export function ConsoleApp({ callbackError }: { callbackError?: boolean }) {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  useEffect(() => {
    dayjs.locale(english ? 'en' : 'zh-cn');
    document.documentElement.lang = english ? 'en' : 'zh-CN';
  }, [english]);
  return (
    <ConfigProvider locale={english ? enUS : zhCN}>
      <AntApp>{callbackError ? <LoginPage callbackError /> : <SignedIn />}</AntApp>
    </ConfigProvider>
  );
}
