import { Caller } from '../core/caller';
import { ALL_SCOPES } from '../core/scopes';

/** Who a request is when authentication is not configured (outside production only). */
export const DEVELOPMENT_CALLER: Caller = { brand: 'default', scopes: new Set(ALL_SCOPES), authenticated: true };
