import { ErrorRequestHandler } from 'express';
import { edgeErrorBody, ErrorCode } from '../core/errors/graphql-errors';

/**
 * Answers body-parser failures as GraphQL-shaped JSON instead of Express's HTML
 * page: 413 for a body above the limit, 400 for JSON that does not parse.
 */
export const bodyErrorHandler: ErrorRequestHandler = (error: { type?: string; status?: number; limit?: number }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    res.status(413).json(edgeErrorBody(ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than the limit of ${error.limit} bytes.`));
    return;
  }
  if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    res.status(error.status ?? 400).json(edgeErrorBody(ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.'));
    return;
  }
  next(error);
};
