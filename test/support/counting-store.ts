import type { CertificateStore } from '../../functions/core/ports.ts';

/**
 * The store, counting the items its reads return: one per certificate or configuration read, one per index
 * reference listed (at least one per page asked for, as an empty page is still a read). A call of a
 * `forbidden` method throws.
 */
export function countingReads(
  store: CertificateStore,
  forbidden: readonly string[] = [],
): { store: CertificateStore; items: () => number } {
  let items = 0;
  const counted: CertificateStore = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value.bind(target);
      if (property === 'get' || property === 'getAccountConfiguration') {
        return async (...args: unknown[]) => {
          const answer = await method(...args);
          items += 1;
          return answer;
        };
      }
      if (property === 'listIssuedDueBy') {
        return async (...args: unknown[]) => {
          const page = await method(...args);
          items += Math.max(1, page.references.length);
          return page;
        };
      }
      if (typeof property === 'string' && forbidden.includes(property)) {
        throw new Error(`${String(property)} must not be called here`);
      }
      return method;
    },
  });
  return { store: counted, items: () => items };
}
