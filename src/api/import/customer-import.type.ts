import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ReadRequiresScope } from '../requires-scope.decorator';
import { Scope } from '../../core/scopes';
import { CustomerImportStatus } from '../../core/import-status';
import { CustomerErrorCode } from '../../core/errors/customer-error-code';
import { DateTimeScalar } from '../scalars';
import { connectionTypes } from '../connection';

@ReadRequiresScope(Scope.READ)
@ObjectType({ description: 'One refused row (or value of a row) of a CSV import.' })
export class CustomerImportError {
  @Field(() => Int, { description: 'The row: 1 for the first row after the header (empty lines are not counted).' })
  row!: number;

  @Field(() => String, { nullable: true, description: 'The column of the refused value; null when the error is about the whole row.' })
  column!: string | null;

  @Field(() => CustomerErrorCode, { description: 'Why the row was refused, with the codes of upsertCustomer.' })
  code!: CustomerErrorCode;

  @Field({ description: 'What is wrong, for a person.' })
  message!: string;
}

export const { Edge: CustomerImportErrorEdge, Connection: CustomerImportErrorConnection } = connectionTypes(
  CustomerImportError,
  'CustomerImportError',
  'import errors',
  { totalCount: false },
);

@ReadRequiresScope(Scope.READ)
@ObjectType({ description: 'A CSV import started with `POST /imports/customers` or `npm run import`, and how far it has come.' })
export class CustomerImport {
  @Field(() => ID, { description: 'The import id: "imp_" followed by a ULID.' })
  id!: string;

  @Field(() => CustomerImportStatus, { description: 'Where the import stands.' })
  status!: CustomerImportStatus;

  @Field(() => Int, { description: 'Rows in the file (not counting the header).' })
  totalRows!: number;

  @Field(() => Int, { description: 'Rows applied or refused so far: created + updated + failed.' })
  rowsProcessed!: number;

  @Field(() => Int, { description: 'Rows that created a customer.' })
  created!: number;

  @Field(() => Int, { description: 'Rows applied to an existing customer (also when they changed nothing).' })
  updated!: number;

  @Field(() => Int, { description: 'Rows refused; each has one or more entries in `errors`.' })
  failed!: number;

  @Field(() => DateTimeScalar, { description: 'When the upload was received.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the import succeeded or failed; null before.' })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Why a FAILED import stopped; null otherwise.' })
  failure!: string | null;
}
