import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Up to IMPORT_CHUNK_ROWS rows of an import, as parsed cells; removed in the transaction that applies them. */
@Entity({ name: 'customer_import_chunks' })
export class CustomerImportChunkEntity {
  @PrimaryColumn({ name: 'import_id', type: 'varchar', length: 30 })
  importId!: string;

  @PrimaryColumn({ name: 'chunk_no', type: 'int' })
  chunkNo!: number;

  /** The number of the chunk's first row (1 = the first row after the header). */
  @Column({ name: 'first_row', type: 'int' })
  firstRow!: number;

  /** The rows' cells, one array per row. */
  @Column({ type: 'simple-json' })
  rows!: string[][];
}
