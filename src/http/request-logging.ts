import { randomUUID } from 'node:crypto';
import { RequestHandler } from 'express';
import { Logger } from '../core/logging/logger';
import { ServiceMetrics } from '../core/metrics/metrics';
import { runWithTrace, RequestTrace } from '../core/request-trace';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Request ids from callers are echoed only when they look like ids (no log injection, bounded size). */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const CLIENT_CLOSED_REQUEST = 499;

/**
 * One structured log line per request: request id (the caller's `x-request-id`
 * or a new one, returned in the response), operation name, duration, SQL
 * statement count and outcome (`aborted` when the client left before the
 * response was complete). Never variables or response data, so no
 * e-mail addresses, phone numbers or names reach the log.
 */
export function traceRequests(logger: Logger, metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const given = req.get(REQUEST_ID_HEADER);
    const abort = new AbortController();
    const trace: RequestTrace = {
      requestId: given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID(),
      operationName: null,
      statements: 0,
      errorCodes: [],
      signal: abort.signal,
    };
    res.setHeader(REQUEST_ID_HEADER, trace.requestId);
    const started = process.hrtime.bigint();
    // Read now: once a mounted router has the request, `req.path` is relative to its mount point.
    const route = metrics.labels.route(req.path);
    // 'close' comes after 'finish' for a complete response, and alone when the client left first.
    res.on('close', () => {
      const aborted = !res.writableFinished;
      if (aborted) abort.abort();
      // 499: the client closed the request before its response was complete (no standard code says so).
      const status = aborted ? CLIENT_CLOSED_REQUEST : res.statusCode;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: metrics.labels.method(req.method), route, status: metrics.labels.status(status) }, seconds);
      if (route !== '/graphql') return;
      logger.info(
        {
          requestId: trace.requestId,
          operation: trace.operationName,
          status,
          durationMs: Math.round(seconds * 1000 * 10) / 10,
          statements: trace.statements,
          outcome: aborted ? 'aborted' : trace.errorCodes.length === 0 && res.statusCode < 400 ? 'ok' : 'error',
          ...(trace.errorCodes.length > 0 ? { errorCodes: [...new Set(trace.errorCodes)] } : {}),
        },
        'request',
      );
    });
    runWithTrace(trace, next);
  };
}
