/**
 * A stable digest of the loaded data, carried in links: schema, row counts, time range and a
 * content digest. The content digest XORs DuckDB's hash of every row, so it ignores row order
 * (the same files loaded in another order give the same fingerprint) and is the same in node
 * and in the browser (one engine build). Format: `v1-<signups>s-<posts>p-<12 hex digits>`.
 */
import { OWN_TABLES, sqlIdent } from '../db/engine.ts';
import type { Engine, RunOptions } from '../db/engine.ts';
import { tableColumns } from '../ingest/tables.ts';

const dataColumn = (name: string) => !name.startsWith('_');

export interface Fingerprint {
  id: string;
  signups: number;
  posts: number;
}

/** The data columns of a row as one struct (where it came from, `_file` and `_row`, left out). */
const rowOf = (table: string, cols: string[]) =>
  `struct_pack(${cols.map((c) => `${sqlIdent(c)} := ${table}.${sqlIdent(c)}`).join(', ')})`;

export async function datasetFingerprint(
  engine: Engine,
  options?: RunOptions,
): Promise<Fingerprint> {
  const cols = {
    signups: (await tableColumns(engine, 'signups')).map((c) => c.name).filter(dataColumn),
    posts: (await tableColumns(engine, 'posts')).map((c) => c.name).filter(dataColumn),
  };
  const rows = await engine.query<{
    signups: number;
    posts: number;
    hs: string | null;
    hp: string | null;
    lo: string | null;
    hi: string | null;
    cols: string;
  }>(
    `SELECT (SELECT CAST(count(*) AS BIGINT) FROM signups) AS signups,
      (SELECT CAST(count(*) AS BIGINT) FROM posts) AS posts,
      (SELECT hex(bit_xor(hash(${rowOf('signups', cols.signups)}))) FROM signups) AS hs,
      (SELECT hex(bit_xor(hash(${rowOf('posts', cols.posts)}))) FROM posts) AS hp,
      (SELECT CAST(least(min(s.signup_at), (SELECT min(created_at) FROM posts)) AS VARCHAR) FROM signups s) AS lo,
      (SELECT CAST(greatest(max(s.signup_at), (SELECT max(created_at) FROM posts)) AS VARCHAR) FROM signups s) AS hi,
      (SELECT string_agg(table_name || '.' || column_name || ':' || data_type, ',' ORDER BY table_name, ordinal_position)
        FROM information_schema.columns WHERE table_name IN ('signups', 'posts') AND ${OWN_TABLES} AND NOT starts_with(column_name, '_')) AS cols`,
    [],
    options,
  );
  const r = rows[0];
  if (!r) throw new Error('No fingerprint: nothing loaded.');
  const digest = fnv1a64([r.cols, r.lo ?? '', r.hi ?? '', r.hs ?? '', r.hp ?? ''].join('|'));
  return {
    id: `v1-${r.signups}s-${r.posts}p-${digest.slice(0, 12)}`,
    signups: r.signups,
    posts: r.posts,
  };
}

/** Counts encoded in a fingerprint id, for messages about data that is not loaded. */
export function fingerprintCounts(id: string): { signups: number; posts: number } | null {
  const m = /^v1-(\d+)s-(\d+)p-[0-9a-f]+$/.exec(id);
  return m ? { signups: Number(m[1]), posts: Number(m[2]) } : null;
}

/** 64-bit FNV-1a of a string, as 16 hex digits (BigInt: exact on every platform). */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
