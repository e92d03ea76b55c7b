import { Caller } from '../context/request-context';

/** Every scope the contract defines. */
export const ALL_SCOPES = ['customer:read', 'customer:write', 'customer:purge'] as const;

/** Who a request is when authentication is not configured (outside production only). */
export const DEVELOPMENT_CALLER: Caller = { brand: 'default', scopes: new Set(ALL_SCOPES) };
