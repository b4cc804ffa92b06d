// aws-local-stepfunctions calls Promise.withResolvers (Node 22+) for every Task state; Node 20 lacks it.
const promiseConstructor = Promise as unknown as { withResolvers?: unknown };
if (!promiseConstructor.withResolvers) {
  promiseConstructor.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    return { promise, resolve, reject };
  };
}
