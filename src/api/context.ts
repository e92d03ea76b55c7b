import { Loaders } from './loaders';
import { Caller } from '../core/caller';
import { Services } from '../domain/services';

/** What every resolver receives. Loaders are built afresh for every request. */
export interface RequestContext {
  caller: Caller;
  services: Services;
  loaders: Loaders;
}
