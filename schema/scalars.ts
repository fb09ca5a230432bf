// Scalars shared by every domain: DateTime (ISO 8601), JSON, and Decimal
// (money as an exact decimal string, never a float).
import { GraphQLError, Kind } from 'graphql';
import { Prisma } from '../server/db/client.js';
import { builder } from './builder.js';

/** An amount already written as the API gives it out. */
const USD = /^-?(0|[1-9]\d*)\.\d{6}$/;

/** Money as the API gives it out, everywhere (Decimal fields and notification metadata): USD with exactly six decimals. */
export function usd(amount: string | Prisma.Decimal): string {
  // Already in that form (what exact SQL and bigint sums give): as is, without a Decimal per value (a long cost series has thousands).
  if (typeof amount === 'string' && USD.test(amount) && amount !== '-0.000000') return amount;
  return new Prisma.Decimal(amount).toFixed(6);
}

builder.scalarType('DateTime', {
  description: 'An instant, as an ISO 8601 string in UTC.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value as string).toISOString()),
  parseValue: (value) => {
    const date = new Date(value as string);
    if (typeof value !== 'string' || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 string');
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Arbitrary JSON.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.scalarType('Decimal', {
  description: 'Money in USD: an exact decimal number as a string with six decimals, e.g. "12.345600". As input, any decimal number ("12.5").',
  serialize: (value) => usd(value),
  parseValue: (value) => {
    if (typeof value !== 'string' && typeof value !== 'number') throw new GraphQLError('Decimal must be a string such as "12.50"');
    const text = String(value).trim();
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new GraphQLError(`"${text}" is not a decimal number`);
    return text;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) throw new GraphQLError('Decimal must be a string');
    if (!/^-?\d+(\.\d+)?$/.test(ast.value)) throw new GraphQLError(`"${ast.value}" is not a decimal number`);
    return ast.value;
  },
});
