/**
 * The flags of a household file and what was done about each: held steps, warnings, and the
 * overrides granted (who, when, why). County-level staff of a role that answers for a blocking flag
 * may override it here with a reason; the API records the override as an event of the file.
 */
import { App, Button, Card, Form, Input, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { FLAG_TITLES } from '../../../domain/labels';
import type { RaisedFlag } from '../../../domain/model';
import { flagLevel, OVERRIDING_ROLES, overrideOf, subjectOf } from '../../../domain/rules/flags';
import { postJson } from '../api/client';
import type { HouseholdFile } from '../api/types';
import { errorSentence } from '../common/errors';
import { loadedProgram } from '../common/places';
import { useWords } from '../common/words';
import { useMe } from '../layout/UserContext';

export function FlagsCard({ file, onDone }: { file: HouseholdFile; onDone: (file: HouseholdFile) => void }) {
  const words = useWords();
  const { t, i18nLanguage } = words;
  const me = useMe();
  const { message } = App.useApp();
  const [overriding, setOverriding] = useState<RaisedFlag>();
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const { household } = file;
  const flags = household.flags ?? [];
  if (flags.length === 0) return null;
  const overrides = household.overrides ?? [];
  const policy = loadedProgram(household.programId)?.flagPolicy;
  const mayOverride = (flag: RaisedFlag) =>
    me.township === undefined &&
    me.county === household.county &&
    OVERRIDING_ROLES[subjectOf(flag.kind)].some((role) => me.roles.includes(role)) &&
    flag.raisedBy !== me.username;

  async function grant(flag: RaisedFlag, reason: string) {
    setSaving(true);
    try {
      const updated = await postJson<HouseholdFile>(`/households/${encodeURIComponent(file.householdId)}/overrides`, {
        version: file.version,
        flag: flag.kind,
        ref: flag.ref,
        reason,
      });
      message.success(t('flagging.overrideDone'));
      setOverriding(undefined);
      form.resetFields();
      onDone(updated);
    } catch (error) {
      message.error(errorSentence(error, t, i18nLanguage));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Card title={t('flagging.title')} data-testid="flags-card">
      <Table<RaisedFlag>
        rowKey={(flag) => `${flag.kind}/${flag.ref}`}
        size="small"
        pagination={false}
        dataSource={flags}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('flagging.kind'), key: 'kind', render: (_, flag) => words.label(FLAG_TITLES, flag.kind) },
          {
            title: t('flagging.note'),
            key: 'note',
            render: (_, flag) => (flag.note ? flag.note[words.language] : '—'),
          },
          { title: t('flagging.raisedAt'), key: 'at', render: (_, flag) => words.time(flag.raisedAt) },
          {
            title: t('flagging.handling'),
            key: 'handling',
            render: (_, flag) => {
              const override = overrideOf(flag, overrides);
              if (override) {
                return (
                  <Tag color="green" data-testid={`flag-overridden-${flag.kind}`}>
                    {t('flagging.overriddenBy', {
                      by: override.by,
                      at: words.time(override.at),
                      reason: override.reason,
                    })}
                  </Tag>
                );
              }
              if (flagLevel(policy, flag.kind) !== 'block') return <Tag color="orange">{t('flagging.warn')}</Tag>;
              return (
                <>
                  <Tag color="red">{t('flagging.held')}</Tag>
                  {mayOverride(flag) && (
                    <Button size="small" onClick={() => setOverriding(flag)} data-testid={`override-${flag.kind}`}>
                      {t('flagging.override')}
                    </Button>
                  )}
                </>
              );
            },
          },
        ]}
      />
      {overriding && (
        <Form
          form={form}
          layout="vertical"
          style={{ marginTop: 16 }}
          onFinish={(values) => void grant(overriding, values.reason)}
          data-testid="override-form"
        >
          <Typography.Title level={5}>
            {t('flagging.overrideTitle', { flag: words.label(FLAG_TITLES, overriding.kind) })}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('flagging.overrideHint')}</Typography.Paragraph>
          <Form.Item
            name="reason"
            label={t('flagging.overrideReason')}
            rules={[{ required: true, min: 5, message: t('flagging.overrideReasonRequired') }]}
          >
            <Input.TextArea rows={3} data-testid="override-reason" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="override-submit">
            {t('flagging.override')}
          </Button>{' '}
          <Button onClick={() => setOverriding(undefined)}>{t('common.cancel')}</Button>
        </Form>
      )}
    </Card>
  );
}
