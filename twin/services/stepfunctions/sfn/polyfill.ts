/**
 * aws-local-stepfunctions 3 calls `Promise.withResolvers` (Node >= 22) inside every Task state. Local mode runs on
 * Node 22, but a Node 20 picked up by mistake would only fail at the first Task state, long after start-up; this guard
 * makes that case work instead. Imported first by the Step Functions service, before any execution runs.
 */
type WithResolvers = <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void };

const promiseConstructor = Promise as unknown as { withResolvers?: WithResolvers };

if (typeof promiseConstructor.withResolvers !== 'function') {
  const withResolvers: WithResolvers = <T>() => {
    let resolve: (value: T) => void = () => undefined;
    let reject: (reason: unknown) => void = () => undefined;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  Object.defineProperty(Promise, 'withResolvers', { value: withResolvers, writable: true, configurable: true });
}
