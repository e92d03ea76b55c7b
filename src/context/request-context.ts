import { Loaders } from '../loaders/create-loaders';
import { Services } from '../services/services';

/** Who is asking: the brand whose customers they may see and change, and what they may do. */
export interface Caller {
  brand: string;
  scopes: ReadonlySet<string>;
}

/** What every resolver receives. Loaders are built afresh for every request. */
export interface RequestContext {
  caller: Caller;
  services: Services;
  loaders: Loaders;
}
