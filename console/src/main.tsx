import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { ConsoleApp } from './App';
import { loadConfig } from './api/config';
import { startSession } from './api/session';
import { isOidcCallback } from './auth/callback';
import { finishCognitoLogin } from './auth/cognito';
import { i18n, storedLanguage, switchLanguage } from './i18n';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

async function start(): Promise<boolean> {
  const [config] = await Promise.all([loadConfig(), switchLanguage(storedLanguage())]);
  try {
    let token: string | undefined;
    if (config.auth === 'cognito' && config.cognito) token = await finishCognitoLogin(config.cognito);
    // The OpenID Connect library (15 KB) is fetched only when the issuer has just redirected back:
    // a signed-in phone otherwise waited one more round trip for it before drawing anything.
    if (config.auth === 'oidc' && config.oidc && isOidcCallback()) {
      const oidc = config.oidc;
      token = await import('./auth/oidc').then(({ finishOidcLogin }) => finishOidcLogin(oidc));
    }
    if (token) startSession(token);
    return false;
  } catch {
    return true;
  }
}

void start().then((callbackError) => {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <ConsoleApp callbackError={callbackError} />
      </I18nextProvider>
    </StrictMode>,
  );
});

// The service worker keeps the console on the phone; a browser without one still works online.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    void navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => undefined);
  });
}
