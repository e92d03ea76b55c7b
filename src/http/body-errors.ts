import { ErrorRequestHandler } from 'express';

/**
 * Answers body-parser failures as GraphQL-shaped JSON instead of Express's HTML
 * page: 413 for a body above the limit, 400 for JSON that does not parse.
 */
export const bodyErrorHandler: ErrorRequestHandler = (error: { type?: string; status?: number; limit?: number }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    res.status(413).json({
      errors: [
        { message: `The request body is larger than the limit of ${error.limit} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } },
      ],
    });
    return;
  }
  if (error.type === 'entity.parse.failed' || error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') {
    res
      .status(error.status ?? 400)
      .json({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  next(error);
};
