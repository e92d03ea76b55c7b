import { timingSafeEqual } from 'node:crypto';
import { RequestHandler } from 'express';
import { edgeErrorBody, ErrorCode } from '../core/errors/graphql-errors';

export const ROUTER_SECRET_HEADER = 'x-router-secret';

/** Refuses requests that do not carry the router's shared secret, so only the router can reach the subgraph. */
export function requireRouterSecret(secret: string): RequestHandler {
  const expected = Buffer.from(secret, 'utf8');
  return (req, res, next) => {
    const given = Buffer.from(req.get(ROUTER_SECRET_HEADER) ?? '', 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      next();
      return;
    }
    res
      .status(401)
      .json(
        edgeErrorBody(
          ErrorCode.UNAUTHENTICATED,
          `This subgraph only answers the router: the ${ROUTER_SECRET_HEADER} header is missing or wrong.`,
        ),
      );
  };
}
