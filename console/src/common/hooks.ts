import { App } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorSentence } from './errors';

/** Loads data for a screen; failures become a sentence, never an exception on screen. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what `load` depends on
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((value) => {
        if (!live) return;
        setData(value);
        setError(undefined);
      })
      .catch((failure: unknown) => {
        if (live) setError(failure);
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const message = error === undefined ? undefined : errorSentence(error, t, i18n.language);
  return { data, error: message, loading, reload };
}

/** Shows an error as a toast sentence in the user's language. */
export function useErrorToast() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  return useCallback(
    (error: unknown) => {
      void message.error(errorSentence(error, t, i18n.language));
    },
    [message, t, i18n.language],
  );
}
