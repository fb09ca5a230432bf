// The printed form of the schema, shared by the print script and the staleness test.
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.js';

export function printSchemaFile(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
