import { ErrorCode } from '../errors/graphql-errors';

/** The label value for everything outside a label's known set. */
export const OTHER_LABEL = 'other';

/** Paths this service serves; any other path a client asks for is one `route="other"`. */
const KNOWN_ROUTES: ReadonlySet<string> = new Set(['/graphql', '/health', '/ready', '/metrics']);
const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const KNOWN_ERROR_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));
/** Distinct operation names that get a label of their own; later new names share `other`. */
export const MAX_OPERATION_LABELS = 100;
const OPERATION_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * The one place that turns request data into metric label values. Each label
 * has a fixed or capped set of values, so no sequence of requests (unknown
 * paths, made-up operation names, odd error codes), with or without a token,
 * can grow /metrics beyond a fixed number of series:
 * routes and methods from known sets, error codes from the codes this service
 * and Apollo Server emit, operation names the first MAX_OPERATION_LABELS
 * distinct well-formed names this process has seen (at most 64 characters).
 * Everything else is `other`.
 */
export class MetricLabels {
  private readonly operations = new Set<string>();

  route(path: string): string {
    return KNOWN_ROUTES.has(path) ? path : OTHER_LABEL;
  }

  method(method: string): string {
    return KNOWN_METHODS.has(method) ? method : OTHER_LABEL;
  }

  status(statusCode: number): string {
    return Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599 ? String(statusCode) : OTHER_LABEL;
  }

  errorCode(code: unknown): string {
    return typeof code === 'string' && KNOWN_ERROR_CODES.has(code) ? code : OTHER_LABEL;
  }

  operation(operationName: string | null | undefined): string {
    if (!operationName) return 'anonymous';
    if (!OPERATION_NAME_PATTERN.test(operationName)) return OTHER_LABEL;
    if (this.operations.has(operationName)) return operationName;
    if (this.operations.size >= MAX_OPERATION_LABELS) return OTHER_LABEL;
    this.operations.add(operationName);
    return operationName;
  }
}
