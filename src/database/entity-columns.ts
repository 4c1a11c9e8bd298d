import type { EntityMetadata } from 'typeorm';

/**
 * An entity's columns as a select list for hand-written SQL (`media_type AS "mediaType"`, …), so
 * that its rows have the entity's shape: pg converts the values as TypeORM would.
 */
export function entityColumns(metadata: EntityMetadata, table?: string): string {
  const prefix = table ? `${table}.` : '';
  return metadata.columns
    .filter((column) => column.isSelect)
    .map((column) => `${prefix}${column.databaseName} AS "${column.propertyName}"`)
    .join(', ');
}
