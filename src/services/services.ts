import { CursorCodec } from '../pagination/cursor-codec';
import { Database } from '../repositories/database';
import { CustomerService } from './customer.service';

/** The services of one running server; shared by all requests. */
export interface Services {
  customers: CustomerService;
}

export function createServices(database: Database, cursorSecret: string): Services {
  const cursors = new CursorCodec(cursorSecret);
  return { customers: new CustomerService({ database, cursors }) };
}
