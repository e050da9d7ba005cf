/**
 * The slip printed with the renovation agreement (`#/households/:id/status-slip`): the code with
 * which the household looks up its own file, and where. The township issues the code if the
 * agreement's own issue was lost, or a new one (the old one stops working) when the slip is lost.
 */
import { Alert, App, Button, Card, Space, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { ApiError } from '../api/client';
import { errorSentence } from '../common/errors';
import { useLoad } from '../common/hooks';
import { monitoringApi, type StatusCodeView } from '../monitoring/api';
import { useMonitoringWords } from '../monitoring/words';

export function StatusSlip() {
  const { id = '' } = useParams();
  const words = useMonitoringWords();
  const { w, t, i18nLanguage } = words;
  const { modal } = App.useApp();
  const [issued, setIssued] = useState<StatusCodeView>();
  const [error, setError] = useState<string>();
  const loaded = useLoad(
    () =>
      monitoringApi.statusCode(id).catch((failure: unknown) => {
        if (failure instanceof ApiError && failure.status === 404) return undefined;
        throw failure;
      }),
    [id],
  );
  const slip = issued ?? loaded.data;
  const url = `${window.location.origin}${window.location.pathname}#/status`;

  async function issue(reissue: boolean) {
    setError(undefined);
    try {
      setIssued(await monitoringApi.issueStatusCode(id, reissue));
    } catch (failure) {
      setError(errorSentence(failure, t, i18nLanguage));
    }
  }

  return (
    <Card
      className="status-slip"
      title={<span className="no-print">{w('slipLink')}</span>}
      extra={
        slip && (
          <Space className="no-print">
            <Button onClick={() => window.print()} type="primary" data-testid="slip-print">
              {w('slipPrint')}
            </Button>
            <Button
              danger
              data-testid="slip-reissue"
              onClick={() => modal.confirm({ content: w('slipReissueConfirm'), onOk: () => issue(true) })}
            >
              {w('slipReissue')}
            </Button>
          </Space>
        )
      }
    >
      {loaded.error && <Alert type="error" title={loaded.error} />}
      {error && <Alert type="error" title={error} />}
      {!loaded.loading && !slip && (
        <Space orientation="vertical">
          <Typography.Text>{w('slipNone')}</Typography.Text>
          <Button type="primary" onClick={() => issue(false)} data-testid="slip-issue" className="no-print">
            {w('slipIssue')}
          </Button>
        </Space>
      )}
      {slip && (
        <div data-testid="status-slip" style={{ maxWidth: 560 }}>
          <Typography.Title level={3}>{w('slipTitle')}</Typography.Title>
          <Typography.Paragraph>
            {w('head')}：{slip.headName}　{w('idNumber')}：{slip.idMasked}
          </Typography.Paragraph>
          <Typography.Paragraph>
            {w('slipCode')}：
            <span data-testid="slip-code" style={{ fontSize: 32, fontWeight: 700, letterSpacing: 4 }}>
              {slip.printed}
            </span>
          </Typography.Paragraph>
          <Typography.Paragraph>{w('slipHow', { url })}</Typography.Paragraph>
        </div>
      )}
    </Card>
  );
}
