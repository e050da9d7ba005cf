/**
 * 工作人员账号: an administrator's list of the staff of their township, county or province, with adding people,
 * changing their name, roles, township and e-mail, disabling and enabling, resetting a password (the stack's user
 * pool) or unlinking a sign-in (a county's identity service), and each account's changes with its check. The server
 * decides who may do what (never one's own authority); the screen only hides what it would refuse.
 */
import { Alert, App, Button, Checkbox, Form, Input, Modal, Select, Space, Table, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { StaffPage, StaffUserView, UserHistory } from '../../../contract/users';
import { labelOf, ROLE_TITLES } from '../../../domain/labels';
import { ROLES, type Role } from '../../../domain/model';
import { getJson, postJson, request } from '../api/client';
import { config } from '../api/config';
import { errorSentence } from '../common/errors';
import { chinaDateTime, languageOf } from '../common/format';
import { useLoad } from '../common/hooks';
import { usePlaces } from '../common/places';
import { preferredProgramId } from '../households/program';
import { useMe } from '../layout/UserContext';

type History = z.infer<typeof UserHistory>;
/** `all`: the whole county; `county`: its county-level staff; otherwise a township code. */
type Scope = string;

interface AccountForm {
  username: string;
  displayName: string;
  roles: Role[];
  township?: string;
  email?: string;
}

const COUNTY_LEVEL = '';
const ALL = 'all';
const COUNTY = 'county';

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const language = languageOf(i18n.language);
  const me = useMe();
  const { message, modal } = App.useApp();
  const cognito = config().auth === 'cognito';
  // The county's townships come from its program: the one last worked on, else the county's latest (as its report names it).
  const programId = useLoad(
    async () =>
      (await preferredProgramId(me.county)) ??
      (me.county
        ? (await getJson<{ programId: string }>(`/reports/progress?county=${encodeURIComponent(me.county)}`)).programId
        : undefined),
    [me.county],
  );
  const places = usePlaces([programId.data]);
  const townships = places.townships();
  const [scope, setScope] = useState<Scope>(me.township ?? ALL);
  const query = new URLSearchParams();
  if (me.county) query.set('county', me.county);
  if (scope !== ALL && scope !== COUNTY) query.set('township', scope);
  if (!me.county && me.province) query.set('province', me.province);
  const page = useLoad(() => getJson<z.infer<typeof StaffPage>>(`/users?${query}`), [query.toString()]);
  const shown = (page.data?.items ?? []).filter((user) => scope !== COUNTY || user.township === undefined);
  const [editing, setEditing] = useState<StaffUserView | 'new'>();
  const [history, setHistory] = useState<{ user: StaffUserView; data?: History; names: Record<string, string> }>();
  const [form] = Form.useForm<AccountForm>();
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string>();

  const roleTitle = (role: string) => labelOf(ROLE_TITLES, role, language, role);
  const placeOf = (user: StaffUserView) =>
    user.township ? places.township(user.township) : user.county ? t('users.countyLevel') : t('users.provinceLevel');

  async function patch(user: StaffUserView, body: Record<string, unknown>) {
    try {
      await request(`/users/${encodeURIComponent(user.username)}`, { method: 'PATCH', body });
      message.success(t('users.saved'));
      page.reload();
    } catch (error) {
      message.error(errorSentence(error, t, i18n.language));
    }
  }

  function confirmThen(text: string, user: StaffUserView, body: Record<string, unknown>) {
    modal.confirm({
      title: text,
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      onOk: () => patch(user, body),
    });
  }

  function open(target: StaffUserView | 'new') {
    setFormError(undefined);
    form.resetFields();
    if (target === 'new') {
      form.setFieldsValue({ roles: [], township: me.township ?? COUNTY_LEVEL });
    } else {
      form.setFieldsValue({
        username: target.username,
        displayName: target.displayName,
        roles: target.roles,
        township: target.township ?? COUNTY_LEVEL,
        email: target.email,
      });
    }
    setEditing(target);
  }

  async function save(values: AccountForm) {
    setSaving(true);
    setFormError(undefined);
    const township = values.township === COUNTY_LEVEL ? undefined : values.township;
    const email = values.email?.trim() ? values.email.trim() : undefined;
    try {
      if (editing === 'new') {
        await postJson('/users', {
          username: values.username.trim(),
          displayName: values.displayName.trim(),
          roles: values.roles,
          ...(me.county ? { county: me.county } : {}),
          ...(township ? { township } : {}),
          ...(email ? { email } : {}),
        });
        message.success(t('users.created', { name: values.displayName }));
      } else if (editing) {
        await request(`/users/${encodeURIComponent(editing.username)}`, {
          method: 'PATCH',
          body: {
            displayName: values.displayName.trim(),
            ...(editing.username === me.username
              ? {}
              : {
                  roles: values.roles,
                  jurisdiction: { county: editing.county ?? me.county, ...(township ? { township } : {}) },
                }),
            ...(email ? { email } : {}),
          },
        });
        message.success(t('users.saved'));
      }
      setEditing(undefined);
      page.reload();
    } catch (error) {
      setFormError(errorSentence(error, t, i18n.language));
    } finally {
      setSaving(false);
    }
  }

  async function showHistory(user: StaffUserView) {
    setHistory({ user, names: {} });
    try {
      const data = await getJson<History>(`/users/${encodeURIComponent(user.username)}/history`);
      const people = [...new Set(data.events.map((event) => event.actor))].join(',');
      const { names } = await getJson<{ names: Record<string, string> }>(
        `/users/names?usernames=${encodeURIComponent(people)}`,
      );
      setHistory({ user, data, names });
    } catch (error) {
      message.error(errorSentence(error, t, i18n.language));
      setHistory(undefined);
    }
  }

  const eventTitle: Record<string, string> = {
    create: t('users.eventCreate'),
    change: t('users.eventChange'),
    link: t('users.eventLink'),
    unlink: t('users.eventUnlink'),
    'reset-password': t('users.eventReset'),
  };

  /** A change in words: 角色：民政 → 民政、住建. */
  function describe(details: Record<string, unknown>): string {
    const shownValue = (field: string, value: unknown): string => {
      if (value === undefined) return '—';
      if (field === 'roles' && Array.isArray(value)) return value.map(String).map(roleTitle).join('、');
      if (field === 'township') return places.township(String(value));
      if (field === 'enabled') return value ? t('users.enabled') : t('users.disabled');
      if (field === 'subject') return value ? t('users.isLinked') : t('users.notLinked');
      return String(value);
    };
    return Object.entries(details)
      .filter(([field]) => field !== 'province' && field !== 'county')
      .map(([field, change]) => {
        const { from, to } = (change ?? {}) as { from?: unknown; to?: unknown };
        const name = t(`users.field.${field}`, { defaultValue: field });
        return from === undefined
          ? `${name}：${shownValue(field, to)}`
          : `${name}：${shownValue(field, from)} → ${shownValue(field, to)}`;
      })
      .join('；');
  }

  const scopeOptions = [
    ...(me.township ? [] : [{ value: ALL, label: t('users.wholeCounty') }]),
    ...(me.township ? [] : [{ value: COUNTY, label: t('users.countyLevel') }]),
    ...townships
      .filter((township) => !me.township || township.code === me.township)
      .map((township) => ({ value: township.code, label: township.name })),
  ];

  return (
    <section aria-labelledby="users-title">
      <Space style={{ marginBottom: 16, flexWrap: 'wrap' }}>
        <h1 id="users-title" style={{ margin: 0, fontSize: 20 }}>
          {t('users.title')}
        </h1>
        {me.county && (
          <Select
            aria-label={t('users.scope')}
            data-testid="users-scope"
            style={{ minWidth: 200 }}
            value={scope}
            onChange={setScope}
            options={scopeOptions}
          />
        )}
        <Button type="primary" onClick={() => open('new')} data-testid="users-add">
          {t('users.add')}
        </Button>
      </Space>
      {page.error && <Alert type="error" title={page.error} style={{ marginBottom: 16 }} />}
      <Table<StaffUserView>
        rowKey="username"
        loading={page.loading}
        dataSource={shown}
        pagination={false}
        scroll={{ x: 900 }}
        locale={{ emptyText: t('users.empty') }}
        data-testid="users-table"
        columns={[
          { title: t('users.displayName'), dataIndex: 'displayName' },
          { title: t('users.username'), dataIndex: 'username' },
          {
            title: t('users.roles'),
            render: (_, user) => user.roles.map((role) => <Tag key={role}>{roleTitle(role)}</Tag>),
          },
          { title: t('users.place'), render: (_, user) => placeOf(user) },
          {
            title: t('users.state'),
            render: (_, user) =>
              user.enabled ? t('users.enabled') : <strong className="users-disabled">{t('users.disabled')}</strong>,
          },
          ...(cognito
            ? []
            : [
                {
                  title: t('users.linked'),
                  render: (_: unknown, user: StaffUserView) =>
                    user.linked ? t('users.isLinked') : t('users.notLinked'),
                },
              ]),
          {
            title: t('users.actions'),
            render: (_, user) => {
              const self = user.username === me.username;
              const guarded = (label: string, onClick: () => void, testId: string) => (
                <Tooltip title={self ? t('users.self') : undefined}>
                  <Button size="small" disabled={self} onClick={onClick} data-testid={`${testId}-${user.username}`}>
                    {label}
                  </Button>
                </Tooltip>
              );
              return (
                <Space wrap>
                  <Button size="small" onClick={() => open(user)} data-testid={`users-edit-${user.username}`}>
                    {t('users.edit')}
                  </Button>
                  {user.enabled
                    ? guarded(
                        t('users.disable'),
                        () =>
                          confirmThen(t('users.confirmDisable', { name: user.displayName }), user, { enabled: false }),
                        'users-disable',
                      )
                    : guarded(
                        t('users.enable'),
                        () =>
                          confirmThen(t('users.confirmEnable', { name: user.displayName }), user, { enabled: true }),
                        'users-enable',
                      )}
                  {cognito
                    ? guarded(
                        t('users.resetPassword'),
                        () =>
                          confirmThen(t('users.confirmReset', { name: user.displayName }), user, {
                            resetPassword: true,
                          }),
                        'users-reset',
                      )
                    : user.linked &&
                      guarded(
                        t('users.unlink'),
                        () => confirmThen(t('users.confirmUnlink', { name: user.displayName }), user, { unlink: true }),
                        'users-unlink',
                      )}
                  <Button
                    size="small"
                    onClick={() => void showHistory(user)}
                    data-testid={`users-history-${user.username}`}
                  >
                    {t('users.history')}
                  </Button>
                </Space>
              );
            },
          },
        ]}
      />

      <Modal
        open={editing !== undefined}
        title={editing === 'new' ? t('users.add') : t('users.edit')}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        confirmLoading={saving}
        onOk={() => form.submit()}
        onCancel={() => setEditing(undefined)}
        destroyOnHidden
      >
        {formError && (
          <Alert type="error" title={formError} style={{ marginBottom: 12 }} data-testid="users-form-error" />
        )}
        <Form<AccountForm> form={form} layout="vertical" onFinish={(values) => void save(values)}>
          <Form.Item
            name="username"
            label={t('users.username')}
            extra={t('users.usernameHint')}
            rules={[{ required: true, message: t('users.username') }]}
          >
            <Input disabled={editing !== 'new'} autoComplete="off" data-testid="users-username" />
          </Form.Item>
          <Form.Item
            name="displayName"
            label={t('users.displayName')}
            extra={t('users.displayNameHint')}
            rules={[{ required: true, message: t('users.displayName') }]}
          >
            <Input data-testid="users-display-name" />
          </Form.Item>
          <Form.Item name="roles" label={t('users.roles')} rules={[{ required: true, message: t('users.roles') }]}>
            <Checkbox.Group
              disabled={editing !== 'new' && editing?.username === me.username}
              options={ROLES.map((role) => ({ value: role, label: roleTitle(role) }))}
              data-testid="users-roles"
            />
          </Form.Item>
          {me.county && (
            <Form.Item name="township" label={t('users.township')} extra={t('users.townshipHint')}>
              <Select
                data-testid="users-township"
                disabled={me.township !== undefined || (editing !== 'new' && editing?.username === me.username)}
                options={[
                  ...(me.township ? [] : [{ value: COUNTY_LEVEL, label: t('users.countyLevel') }]),
                  ...townships.map((township) => ({ value: township.code, label: township.name })),
                ]}
              />
            </Form.Item>
          )}
          <Form.Item
            name="email"
            label={t('users.email')}
            extra={cognito ? t('users.emailHint') : undefined}
            rules={cognito && editing === 'new' ? [{ required: true, message: t('users.email') }] : []}
          >
            <Input type="email" autoComplete="off" data-testid="users-email" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={history !== undefined}
        title={`${history?.user.displayName ?? ''} · ${t('users.history')}`}
        footer={null}
        width={720}
        onCancel={() => setHistory(undefined)}
      >
        {history?.data && (
          <>
            <Alert
              type={history.data.chainVerified ? 'success' : 'error'}
              title={history.data.chainVerified ? t('users.chainOk') : t('users.chainBroken')}
              style={{ marginBottom: 12 }}
              data-testid="users-chain"
            />
            <Table
              rowKey="seq"
              size="small"
              pagination={false}
              dataSource={history.data.events}
              columns={[
                { title: t('users.at'), render: (_, event) => chinaDateTime(event.at) },
                {
                  title: t('users.by'),
                  render: (_, event) =>
                    event.actor === 'bootstrap' ? t('users.bootstrap') : (history.names[event.actor] ?? event.actor),
                },
                { title: t('users.what'), render: (_, event) => eventTitle[event.type] ?? event.type },
                { title: '', render: (_, event) => describe(event.details) },
              ]}
            />
          </>
        )}
      </Modal>
    </section>
  );
}
