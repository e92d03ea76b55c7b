import { ExplorerExample } from './explorer-examples';

/**
 * What the server tells the GraphiQL page, as JSON in the page itself (a
 * `<script type="application/json">`, which the page's CSP does not treat as code).
 */
export interface ExplorerPageConfig {
  /** Same-origin path of the GraphQL endpoint. */
  endpoint: string;
  /** One tab per example. */
  examples: readonly ExplorerExample[];
  /** JSON text the headers editor starts with. */
  headers: string;
  /** Stands for the token in `headers` until the user pastes one; an Authorization header still holding it is not sent. */
  tokenPlaceholder: string | null;
}
