/** Who is asking: the brand whose customers they may see and change, and what they may do. */
export interface Caller {
  brand: string;
  scopes: ReadonlySet<string>;
  /** False for a request without a token (authentication on): fields that need a scope answer UNAUTHENTICATED. */
  authenticated: boolean;
}

/** A request without a token: no brand, no scopes. */
export const ANONYMOUS_CALLER: Caller = { brand: '', scopes: new Set(), authenticated: false };
