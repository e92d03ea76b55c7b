import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One refused value of one import row; `errorNo` numbers an import's errors in row order. */
@Entity({ name: 'customer_import_errors' })
export class CustomerImportErrorEntity {
  @PrimaryColumn({ name: 'import_id', type: 'varchar', length: 30 })
  importId!: string;

  @PrimaryColumn({ name: 'error_no', type: 'int' })
  errorNo!: number;

  @Column({ name: 'row_no', type: 'int' })
  row!: number;

  /** The CSV column of the refused value; null when the error is about the whole row. */
  @Column({ name: 'column_name', type: 'varchar', length: 255, nullable: true })
  column!: string | null;

  @Column({ type: 'varchar', length: 32 })
  code!: string;

  @Column({ type: 'varchar', length: 500 })
  message!: string;
}
