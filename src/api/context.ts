import { Loaders } from './loaders';
import { Services } from '../domain/services';

/** Who is asking: the brand whose customers they may see and change, and what they may do. */
export interface Caller {
  brand: string;
  scopes: ReadonlySet<string>;
  /** False for a request without a token (authentication on): fields that need a scope answer UNAUTHENTICATED. */
  authenticated: boolean;
}

/** A request without a token: no brand, no scopes. */
export const ANONYMOUS_CALLER: Caller = { brand: '', scopes: new Set(), authenticated: false };

/** What every resolver receives. Loaders are built afresh for every request. */
export interface RequestContext {
  caller: Caller;
  services: Services;
  loaders: Loaders;
}
