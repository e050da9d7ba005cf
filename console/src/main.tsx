import { ConfigProvider, Result } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ConfigProvider locale={zhCN}>
      <Result title="安居 · 农村危房改造" subTitle="控制台" />
    </ConfigProvider>
  </StrictMode>,
);
