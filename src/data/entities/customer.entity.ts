import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A customer row. `brand` scopes every read and write. The `*Key` columns are
 * lower-cased, never-null copies used for case-insensitive matching and for
 * keyset ordering (a NOT NULL sort column keeps `(sort, id) > (?, ?)` simple).
 */
@Entity({ name: 'customers' })
export class CustomerEntity {
  @PrimaryColumn({ type: 'varchar', length: 30 })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  brand!: string;

  @Column({ name: 'external_id', type: 'varchar', length: 128, nullable: true })
  externalId!: string | null;

  @Column({ name: 'given_name', type: 'varchar', length: 100 })
  givenName!: string;

  @Column({ name: 'family_name', type: 'varchar', length: 100 })
  familyName!: string;

  /** lower(givenName + " " + familyName), trimmed: prefix search on the whole name. */
  @Column({ name: 'name_key', type: 'varchar', length: 201 })
  nameKey!: string;

  /** lower(familyName): prefix search and FAMILY_NAME ordering. */
  @Column({ name: 'family_name_key', type: 'varchar', length: 100 })
  familyNameKey!: string;

  @Column({ name: 'email_address', type: 'varchar', length: 250, nullable: true })
  emailAddress!: string | null;

  /** lower(emailAddress), or '' when there is none: matching and EMAIL_ADDRESS ordering. */
  @Column({ name: 'email_key', type: 'varchar', length: 250 })
  emailKey!: string;

  @Column({ name: 'phone_number', type: 'varchar', length: 20, nullable: true })
  phoneNumber!: string | null;

  @Column({ name: 'language_code', type: 'varchar', length: 35, nullable: true })
  languageCode!: string | null;

  @Column({ type: 'simple-json' })
  metadata!: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;

  @Column({ type: 'int' })
  version!: number;
}
