// The hand-written migrations produce exactly the database schema.prisma
// describes: every table, column, type, nullability, default, enum, index,
// primary key and foreign key, and nothing more.
import fs from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import * as wasm from '@prisma/prisma-schema-wasm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate, MigrationError } from '../../../server/db/migrate.js';

interface DmmfField {
  name: string;
  kind: 'scalar' | 'enum' | 'object';
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  type: string;
  nativeType: [string, string[]] | null;
  default?: { name: string; args: unknown[] } | string | number | boolean;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}

const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', fs.readFileSync('prisma/schema.prisma', 'utf8')]] }))).datamodel as {
  models: DmmfModel[];
  enums: { name: string; values: { name: string }[] }[];
  indexes: DmmfIndex[];
};

/** The PostgreSQL type Prisma's migrate would create for a field (a list field: an array of its element type). */
function expectedType(f: DmmfField): string {
  return f.isList ? `${elementType(f)}[]` : elementType(f);
}

function elementType(f: DmmfField): string {
  if (f.kind === 'enum') return f.type;
  const native = f.nativeType;
  if (native) {
    const [name, args] = native;
    const map: Record<string, string> = {
      Uuid: 'uuid',
      Timestamptz: `timestamp with time zone(${args[0]})`,
      Timestamp: `timestamp without time zone(${args[0]})`,
      Decimal: `numeric(${args.join(',')})`,
      Text: 'text',
      VarChar: `character varying(${args[0]})`,
    };
    if (!map[name]) throw new Error(`add native type ${name} to the test`);
    return map[name]!;
  }
  const map: Record<string, string> = {
    String: 'text',
    Int: 'integer',
    BigInt: 'bigint',
    Float: 'double precision',
    Boolean: 'boolean',
    DateTime: 'timestamp without time zone(3)',
    Json: 'jsonb',
    Decimal: 'numeric(65,30)',
    Bytes: 'bytea',
  };
  return map[f.type]!;
}

/** The column default Prisma's migrate would write, as PostgreSQL prints it back. */
function expectedDefault(f: DmmfField): string | null {
  const d = f.default;
  if (d === undefined) return null;
  if (typeof d === 'object') {
    if (d.name === 'now') return 'CURRENT_TIMESTAMP';
    if (d.name === 'dbgenerated') return String(d.args[0]);
    if (d.name === 'autoincrement') return 'nextval';
    throw new Error(`add default ${d.name} to the test`);
  }
  if (f.kind === 'enum') return `'${d}'::"${f.type}"`;
  if (typeof d === 'string') return `'${d}'::${f.type === 'Json' ? 'jsonb' : 'text'}`;
  return String(d);
}

function normaliseDefault(value: string | null): string | null {
  if (value === null) return null;
  if (value.startsWith('nextval(')) return 'nextval';
  return value;
}

let client: pg.Client;
const database = `schema_check_${randomUUID().replaceAll('-', '')}`;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${database}`;
  await migrate(url.toString());
  client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.end();
});

async function columns() {
  const { rows } = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
    numeric_precision: number | null;
    numeric_scale: number | null;
    datetime_precision: number | null;
  }>(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, numeric_precision, numeric_scale, datetime_precision
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
  return rows.map((r) => {
    let type = r.data_type;
    if (type === 'USER-DEFINED') type = r.udt_name;
    // An array column: its element type, as expectedType writes it.
    if (type === 'ARRAY') type = `${({ _int4: 'integer', _text: 'text', _float8: 'double precision' } as Record<string, string>)[r.udt_name] ?? r.udt_name}[]`;
    if (type === 'numeric') type = `numeric(${r.numeric_precision},${r.numeric_scale})`;
    if (type.startsWith('timestamp')) type = `${type}(${r.datetime_precision})`;
    return { table: r.table_name, column: r.column_name, type, nullable: r.is_nullable === 'YES', default: normaliseDefault(r.column_default) };
  });
}

describe('migrations match schema.prisma', () => {
  it('has exactly the tables of the models', async () => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual(dmmf.models.map((m) => m.dbName ?? m.name).sort());
  });

  it('has exactly the enums and their values', async () => {
    const { rows } = await client.query<{ name: string; values: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.name, r.values]));
    const expected = Object.fromEntries(dmmf.enums.map((e) => [e.name, e.values.map((v) => v.name)]));
    expect(actual).toEqual(expected);
  });

  it('has every column with its type, nullability and default, and no others', async () => {
    const expected = dmmf.models.flatMap((m) =>
      m.fields
        .filter((f) => f.kind !== 'object')
        .map((f) => ({
          table: m.dbName ?? m.name,
          column: f.name,
          type: expectedType(f),
          nullable: !f.isRequired,
          default: expectedDefault(f),
        })),
    );
    const sort = (a: { table: string; column: string }, b: { table: string; column: string }) => `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`);
    expect((await columns()).sort(sort)).toEqual(expected.sort(sort));
  });

  it('has every primary key, unique and plain index with column order and direction, and no others', async () => {
    const { rows } = await client.query<{ table: string; kind: string; columns: string[] }>(
      `SELECT t.relname AS table,
              CASE WHEN ix.indisprimary THEN 'id' WHEN ix.indisunique THEN 'unique' ELSE 'normal' END AS kind,
              array_agg(a.attname || CASE WHEN (ix.indoption[k.ord - 1] & 1) = 1 THEN ' desc' ELSE '' END ORDER BY k.ord)::text[] AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
       GROUP BY t.relname, ix.indexrelid, ix.indisprimary, ix.indisunique`,
    );
    const key = (r: { table: string; kind: string; columns: string[] }) => `${r.table} ${r.kind} (${r.columns.join(', ')})`;
    const fromFields = dmmf.models.flatMap((m) =>
      m.fields.filter((f) => (f as { isUnique?: boolean }).isUnique).map((f) => ({ table: m.name, kind: 'unique', columns: [f.name] })),
    );
    const fromIndexes = dmmf.indexes.map((i) => ({
      table: i.model,
      kind: i.type,
      columns: i.fields.map((f) => `${f.name}${f.sortOrder === 'desc' ? ' desc' : ''}`),
    }));
    const expected = [...new Set([...fromIndexes, ...fromFields].map(key))].sort();
    expect(rows.map(key).sort()).toEqual(expected);
  });

  it('has every foreign key with its columns and referential actions, and no others', async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; target: string; target_columns: string[]; on_delete: string; on_update: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS target,
              (SELECT array_agg(attname ORDER BY k.ord)::text[] FROM unnest(c.conkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n) AS columns,
              (SELECT array_agg(attname ORDER BY k.ord)::text[] FROM unnest(c.confkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n) AS target_columns,
              c.confdeltype AS on_delete, c.confupdtype AS on_update
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
       WHERE c.contype = 'f' AND n.nspname = 'public'`,
    );
    const action: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };
    const actual = rows.map(
      (r) => `${r.table.replaceAll('"', '')}(${r.columns}) -> ${r.target.replaceAll('"', '')}(${r.target_columns}) delete:${action[r.on_delete]} update:${action[r.on_update]}`,
    );
    const expected = dmmf.models.flatMap((m) =>
      m.fields
        .filter((f) => f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0)
        .map((f) => {
          const onDelete = f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull');
          return `${m.name}(${f.relationFromFields}) -> ${f.type}(${f.relationToFields}) delete:${onDelete} update:${f.relationOnUpdate ?? 'Cascade'}`;
        }),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });
});

describe('migrator', () => {
  it('refuses a migration that changed after it was applied', async () => {
    const { rows } = await client.query<{ migration_name: string; checksum: string }>('SELECT migration_name, checksum FROM "_prisma_migrations"');
    expect(rows.length).toBeGreaterThan(0);
    await client.query('UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', ['0'.repeat(64), rows[0]!.migration_name]);
    const url = new URL(inject('databaseUrl'));
    url.pathname = `/${database}`;
    await expect(migrate(url.toString())).rejects.toThrow(/was changed after it was applied/);
    await client.query('UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2', [rows[0]!.checksum, rows[0]!.migration_name]);
    await expect(migrate(url.toString())).resolves.toEqual([]);
  });

  it('reports a connection lost mid-migration as a MigrationError, without crashing the process', async () => {
    const lost = `migrate_lost_${randomUUID().replaceAll('-', '')}`;
    const admin = new pg.Client({ connectionString: inject('databaseUrl') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${lost}`);
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    try {
      await mkdir(join(dir, '20260101000000_lost'));
      // The server ends this session, as when it is stopped while a migration runs.
      await writeFile(join(dir, '20260101000000_lost', 'migration.sql'), 'SELECT pg_terminate_backend(pg_backend_pid());');
      const url = new URL(inject('databaseUrl'));
      url.pathname = `/${lost}`;
      await expect(migrate(url.toString(), { dir })).rejects.toThrow(MigrationError);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await admin.query(`DROP DATABASE ${lost} WITH (FORCE)`);
      await admin.end();
    }
  });
});
