import {
  AuditOutlined,
  BarChartOutlined,
  CameraOutlined,
  FileAddOutlined,
  HomeOutlined,
  LogoutOutlined,
  MenuOutlined,
  MoneyCollectOutlined,
  NotificationOutlined,
  SafetyOutlined,
  ScheduleOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Dropdown, Grid, Layout, Menu, Space } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ROLE_TITLES } from '../../../domain/labels';
import { getJson } from '../api/client';
import { config } from '../api/config';
import { currentToken, endSession } from '../api/session';
import type { TaskCounts } from '../api/types';
import { cognitoLogoutUrl } from '../auth/cognito';
import { languageOf } from '../common/format';
import { useLoad } from '../common/hooks';
import { useMonitoringWords } from '../monitoring/words';
import { LanguageSwitch } from './LanguageSwitch';
import { isCountyLevel, useMe } from './UserContext';

export function AppLayout() {
  const { t, i18n } = useTranslation();
  const monitoring = useMonitoringWords();
  const language = languageOf(i18n.language);
  const me = useMe();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const has = (role: string) => me.roles.some((r) => r === role || r === 'admin');
  const leader = (me.roles as readonly string[]).includes('leader');
  // Photos an inspector took on an earlier visit go on uploading whatever screen is open.
  const inspector = has('inspector');
  useEffect(() => {
    if (inspector) void import('../inspector/photo-queue').then(({ photoQueue }) => photoQueue());
  }, [inspector]);

  // The menu says how much work waits (two counting queries per step on the server), afresh on every screen.
  const counts = useLoad(() => getJson<TaskCounts>('/tasks/counts'), [location.pathname]);
  const open = counts.data?.total.open;
  const workLabel = open === undefined || open === 0 ? t('nav.work') : `${t('nav.work')} (${open})`;

  const items: { key: string; icon: ReactNode; label: string; show: boolean }[] = [
    { key: '/work', icon: <ScheduleOutlined />, label: workLabel, show: true },
    { key: '/households', icon: <HomeOutlined />, label: t('nav.households'), show: true },
    { key: '/households/new', icon: <FileAddOutlined />, label: t('nav.register'), show: has('civil-affairs') },
    { key: '/inspector', icon: <CameraOutlined />, label: t('nav.inspector'), show: has('inspector') },
    { key: '/finance', icon: <MoneyCollectOutlined />, label: t('nav.finance'), show: has('finance') },
    { key: '/dashboard', icon: <BarChartOutlined />, label: t('nav.dashboard'), show: isCountyLevel(me) || leader },
    { key: '/notices', icon: <NotificationOutlined />, label: t('nav.notices'), show: true },
    { key: '/users', icon: <TeamOutlined />, label: t('nav.users'), show: me.roles.includes('admin') },
    { key: '/monitoring', icon: <SafetyOutlined />, label: monitoring.w('nav'), show: true },
    {
      key: '/monitoring/report',
      icon: <BarChartOutlined />,
      label: monitoring.w('navReport'),
      show: isCountyLevel(me) || leader,
    },
    {
      key: '/audit',
      icon: <AuditOutlined />,
      label: t('nav.audit'),
      show: isCountyLevel(me) || has('auditor'),
    },
  ];
  const menuItems = items
    .filter((item) => item.show)
    .map(({ key, icon, label }) => ({
      key,
      icon,
      label: <span data-testid={`nav-${key.slice(1).replaceAll('/', '-')}`}>{label}</span>,
    }));
  // Phones get the menu in the header: a side menu would take the narrow screen or cover the content.
  const phone = screens.md === false;
  const selected = items
    .filter((item) => location.pathname === item.key || location.pathname.startsWith(`${item.key}/`))
    .sort((a, b) => b.key.length - a.key.length)[0]?.key;

  function logout() {
    const idToken = currentToken();
    endSession();
    // The service worker's copies of API answers belong to this user.
    if ('caches' in window) void caches.delete('anju-api');
    const { auth, cognito, oidc } = config();
    if (auth === 'cognito' && cognito) window.location.assign(cognitoLogoutUrl(cognito));
    if (auth === 'oidc' && oidc) void import('../auth/oidc').then(({ oidcLogout }) => oidcLogout(oidc, idToken));
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="app-header no-print">
        {phone && (
          <Dropdown
            menu={{ items: menuItems, selectedKeys: selected ? [selected] : [], onClick: ({ key }) => navigate(key) }}
          >
            <Button icon={<MenuOutlined />} data-testid="nav-menu" aria-label={t('nav.menu')} />
          </Dropdown>
        )}
        <strong className="app-title">
          <AuditOutlined /> {t('app.title')}
        </strong>
        <Space>
          <span className="app-user" data-testid="current-user">
            {me.displayName ?? me.username} ·{' '}
            {me.roles.map((role) => ROLE_TITLES[role as keyof typeof ROLE_TITLES]?.[language] ?? '').join('/')}
          </span>
          <LanguageSwitch />
          <Button
            size="small"
            icon={<LogoutOutlined />}
            onClick={logout}
            data-testid="logout"
            aria-label={t('nav.logout')}
          >
            {screens.md ? t('nav.logout') : null}
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        {!phone && (
          <Layout.Sider width={200} theme="light" className="no-print">
            <Menu
              mode="inline"
              selectedKeys={selected ? [selected] : []}
              items={menuItems}
              onClick={({ key }) => navigate(key)}
            />
          </Layout.Sider>
        )}
        <Layout.Content className="app-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
