import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known about the request being served; carried through its async work so SQL statements can be counted per request. */
export interface RequestTrace {
  requestId: string;
  operationName: string | null;
  /** SQL statements issued while serving this request. */
  statements: number;
  /** `extensions.code` of every top-level error of the response. */
  errorCodes: string[];
  /** Aborted when the client goes away before its response is complete: the reads it asked for are not worth running. */
  signal: AbortSignal;
}

const traces = new AsyncLocalStorage<RequestTrace>();

export function runWithTrace<T>(trace: RequestTrace, work: () => T): T {
  return traces.run(trace, work);
}

export function currentTrace(): RequestTrace | undefined {
  return traces.getStore();
}
