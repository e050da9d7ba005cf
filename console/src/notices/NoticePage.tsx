import { PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson } from '../api/client';
import { type NoticeItem, yuan } from '../api/types';
import { errorSentence } from '../common/errors';
import { useMe } from '../layout/UserContext';

interface Filters {
  county: string;
  township?: string;
  village?: string;
}

const day = (iso: string | null) => (iso ? dayjs(iso).format('YYYY-MM-DD') : '-');

/** The public notice (公示) of approved households, masked by the API, printable for the village board. */
export function NoticePage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const [items, setItems] = useState<NoticeItem[]>();
  const [failure, setFailure] = useState<unknown>();
  const [loading, setLoading] = useState(false);
  const [shown, setShown] = useState<Filters>();

  async function load(filters: Filters) {
    setLoading(true);
    setFailure(undefined);
    try {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filters))
        if (typeof value === 'string' && value.trim()) query.set(key, value.trim());
      const answer = await getJson<{ items: NoticeItem[] }>(`/notices?${query}`);
      setItems(answer.items);
      setShown(filters);
    } catch (error) {
      setFailure(error);
    } finally {
      setLoading(false);
    }
  }

  return (
    <Card className="notice-sheet">
      <Form<Filters>
        layout="inline"
        className="no-print"
        initialValues={{ county: me.county ?? '', township: me.township ?? '' }}
        onFinish={load}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="county" label={t('notices.county')}>
          <Input style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="township" label={t('notices.township')}>
          <Input style={{ width: 130 }} allowClear />
        </Form.Item>
        <Form.Item name="village" label={t('notices.village')}>
          <Input style={{ width: 150 }} allowClear />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={loading} data-testid="notices-load">
          {t('notices.load')}
        </Button>
        <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={!items} style={{ marginLeft: 8 }}>
          {t('notices.print')}
        </Button>
      </Form>
      {failure !== undefined && (
        <Alert type="error" className="no-print" title={errorSentence(failure, t, i18n.language)} />
      )}
      {items && (
        <>
          <Typography.Title level={3} style={{ textAlign: 'center' }}>
            {t('notices.title')}
          </Typography.Title>
          <Typography.Paragraph style={{ textAlign: 'center' }}>
            {[shown?.county, shown?.township, shown?.village].filter(Boolean).join(' / ')}
          </Typography.Paragraph>
          <Table<NoticeItem>
            rowKey="householdId"
            onRow={(item) => ({ 'data-testid': `notice-row-${item.householdId}` }) as React.HTMLAttributes<HTMLElement>}
            size="small"
            bordered
            pagination={false}
            dataSource={items}
            scroll={{ x: 'max-content' }}
            columns={[
              { title: t('notices.head'), dataIndex: 'headName' },
              { title: t('notices.idNumber'), dataIndex: 'idNumberMasked' },
              { title: t('households.village'), dataIndex: 'village' },
              { title: t('notices.category'), dataIndex: 'category', render: (c: string) => t(`categories.${c}`) },
              { title: t('notices.grade'), dataIndex: 'grade', render: (g: string | null) => g ?? '-' },
              {
                title: t('notices.mode'),
                dataIndex: 'mode',
                render: (m: string | null) => (m ? t(`modes.${m}`) : '-'),
              },
              {
                title: t('notices.subsidy'),
                dataIndex: 'subsidyFen',
                align: 'right',
                render: (fen: number | null) => (fen === null ? '-' : yuan(fen)),
              },
              {
                title: t('notices.period'),
                key: 'period',
                render: (_, item) => `${day(item.noticeStartsAt)} ~ ${day(item.noticeEndsAt)}`,
              },
              { title: t('notices.objections'), dataIndex: 'objections', align: 'right' },
            ]}
          />
          <Typography.Paragraph style={{ marginTop: 16 }}>{t('notices.footer')}</Typography.Paragraph>
        </>
      )}
    </Card>
  );
}
