/** The scopes of the contract: reading, changing, and erasing customers. */
export const Scope = {
  READ: 'customer:read',
  WRITE: 'customer:write',
  PURGE: 'customer:purge',
} as const;

export type Scope = (typeof Scope)[keyof typeof Scope];

export const ALL_SCOPES: readonly Scope[] = Object.values(Scope);
