/**
 * The household's own page (`#/status`), without a staff login: the head's ID number and name and
 * the code printed on the agreement show where the renovation file stands, the next step and the
 * office that owns it, and each installment with its amount in 元. Chinese first, one column on a
 * 360 px phone, large type, nothing of anyone else.
 */
import { Alert, Button, Card, ConfigProvider, Descriptions, Form, Input, List, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublicStatus } from '../../../domain/monitoring/public-status';
import { ApiError, postJson } from '../api/client';
import { errorSentence, pick } from '../common/errors';
import { idNumberOf } from '../common/format';
import { LanguageSwitch } from '../layout/LanguageSwitch';

const TEXT = {
  title: { zh: '农村危房改造 进度查询', en: 'Rural housing renovation: where is my file?' },
  intro: {
    zh: '请输入户主身份证号、户主姓名和改造协议上的 8 位查询码。',
    en: 'Enter the head’s ID number, the head’s name and the 8-digit code printed on your agreement.',
  },
  idNumber: { zh: '户主身份证号', en: 'Head’s ID number' },
  name: { zh: '户主姓名', en: 'Head’s name' },
  code: { zh: '查询码（协议上的 8 位数字）', en: 'Code (8 digits on the agreement)' },
  submit: { zh: '查询', en: 'Look up' },
  phase: { zh: '当前环节', en: 'Current step' },
  next: { zh: '下一步', en: 'Next step' },
  owner: { zh: '办理部门', en: 'Handled by' },
  yourPart: { zh: '您需要做的', en: 'What you can do' },
  due: { zh: '应办结日期', en: 'Due by' },
  installments: { zh: '补助资金', en: 'Subsidy installments' },
  approved: { zh: '核定补助', en: 'Approved subsidy' },
  paid: { zh: '已到账合计', en: 'Paid so far' },
  releasedOn: { zh: '拨付', en: 'released' },
  paidOn: { zh: '到账', en: 'paid' },
  privacy: {
    zh: '本页只显示您家的改造进度，身份证号和姓名已部分隐藏。每次查询都会登记；同一身份证号每天最多查询 10 次。',
    en: 'This page shows your own renovation file only, with the ID number and name partly hidden. Every lookup is recorded; an ID number can be looked up ten times a day.',
  },
  again: { zh: '重新查询', en: 'Look up again' },
  household: { zh: '户主', en: 'Head' },
} as const;

function yuanText(language: 'zh' | 'en', fen: number): string {
  const amount = `${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
  return language === 'en' ? `${amount} yuan` : `${amount} 元`;
}

export function StatusPage() {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh';
  const say = (key: keyof typeof TEXT) => TEXT[key][language];
  const [status, setStatus] = useState<PublicStatus>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(values: { idNumber: string; name: string; code: string }) {
    setBusy(true);
    setError(undefined);
    try {
      setStatus(
        await postJson<PublicStatus>('/public/status', {
          idNumber: idNumberOf(values.idNumber ?? ''),
          name: (values.name ?? '').trim(),
          code: (values.code ?? '').replace(/\D/g, ''),
        }),
      );
    } catch (failure) {
      setStatus(undefined);
      const fields = failure instanceof ApiError ? failure.fields.map((f) => pick(f.message, i18n.language)) : [];
      setError([errorSentence(failure, t, i18n.language), ...fields].join(' '));
    } finally {
      setBusy(false);
    }
  }

  return (
    <ConfigProvider theme={{ token: { fontSize: 16 } }}>
      <main className="public-status" style={{ maxWidth: 480, margin: '0 auto', padding: 12 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
          <Typography.Title level={3} style={{ margin: '8px 0' }}>
            {say('title')}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        {!status && (
          <Card>
            <Typography.Paragraph>{say('intro')}</Typography.Paragraph>
            <Form layout="vertical" onFinish={submit} requiredMark={false}>
              <Form.Item name="idNumber" label={say('idNumber')} rules={[{ required: true, message: say('idNumber') }]}>
                <Input autoComplete="off" inputMode="text" maxLength={22} data-testid="status-id" />
              </Form.Item>
              <Form.Item name="name" label={say('name')} rules={[{ required: true, message: say('name') }]}>
                <Input autoComplete="off" maxLength={40} data-testid="status-name" />
              </Form.Item>
              <Form.Item name="code" label={say('code')} rules={[{ required: true, message: say('code') }]}>
                <Input autoComplete="off" inputMode="numeric" maxLength={11} data-testid="status-code" />
              </Form.Item>
              {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} data-testid="status-error" />}
              <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="status-submit">
                {say('submit')}
              </Button>
            </Form>
          </Card>
        )}
        {status && (
          <Card data-testid="status-result">
            <Typography.Paragraph strong style={{ fontSize: 18 }} data-testid="status-summary">
              {status.summary[language]}
            </Typography.Paragraph>
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={say('household')}>
                {status.head.name}（{status.head.idNumber}）
              </Descriptions.Item>
              <Descriptions.Item label={say('phase')}>
                <Tag color="blue" data-testid="status-phase">
                  {status.phase.title[language]}
                </Tag>
              </Descriptions.Item>
              {status.nextStep && (
                <>
                  <Descriptions.Item label={say('next')}>{status.nextStep.title[language]}</Descriptions.Item>
                  <Descriptions.Item label={say('owner')}>
                    <span data-testid="status-owner">{status.nextStep.owner[language]}</span>
                  </Descriptions.Item>
                  {status.nextStep.yourPart && (
                    <Descriptions.Item label={say('yourPart')}>{status.nextStep.yourPart[language]}</Descriptions.Item>
                  )}
                  {status.nextStep.dueOn && (
                    <Descriptions.Item label={say('due')}>{status.nextStep.dueOn}</Descriptions.Item>
                  )}
                </>
              )}
            </Descriptions>
            {status.installments.length > 0 && (
              <>
                <Typography.Title level={5} style={{ marginTop: 16 }}>
                  {say('installments')}
                </Typography.Title>
                <List
                  size="small"
                  dataSource={status.installments}
                  data-testid="status-installments"
                  renderItem={(item) => (
                    <List.Item data-testid="status-installment">
                      <div style={{ width: '100%' }}>
                        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, flexWrap: 'wrap' }}>
                          <span>
                            {language === 'en' ? `Installment ${item.number}` : `第 ${item.number} 期`} · {item.label}
                          </span>
                          <strong>{item.amountText[language]}</strong>
                        </div>
                        <Tag color={item.status === 'paid' ? 'green' : item.status === 'planned' ? 'default' : 'blue'}>
                          {item.statusTitle[language]}
                        </Tag>
                        {item.releasedOn && `${say('releasedOn')} ${item.releasedOn} `}
                        {item.paidOn && `${say('paidOn')} ${item.paidOn}`}
                      </div>
                    </List.Item>
                  )}
                />
                <Descriptions column={1} size="small">
                  {status.totals.approved !== undefined && (
                    <Descriptions.Item label={say('approved')}>
                      {yuanText(language, status.totals.approved)}
                    </Descriptions.Item>
                  )}
                  <Descriptions.Item label={say('paid')}>{yuanText(language, status.totals.paid)}</Descriptions.Item>
                </Descriptions>
              </>
            )}
            <Button block style={{ marginTop: 12 }} onClick={() => setStatus(undefined)}>
              {say('again')}
            </Button>
          </Card>
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 13 }}>
          {say('privacy')}
        </Typography.Paragraph>
      </main>
    </ConfigProvider>
  );
}
