/**
 * Native DuckDB doing the plain load and queries of reference-sql.ts, as its own process (the
 * benchmark times it from spawn to exit, like `npm run analyze`).
 *   npx tsx test/bench/native-reference.ts roles.json file...
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { referenceLoadSql, referenceQueries } from './reference-sql.ts';
import type { RefColumns } from './reference-sql.ts';

const [rolesFile, ...files] = process.argv.slice(2);
const roles = JSON.parse(readFileSync(rolesFile as string, 'utf8')) as {
  signups: Omit<RefColumns, 'table'>[];
  posts: (Omit<RefColumns, 'table'> & { category: string })[];
};
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const signups: RefColumns[] = [];
const posts: (RefColumns & { category: string })[] = [];
for (const [i, file] of files.entries()) {
  await conn.run(referenceLoadSql(path.resolve(file), `t${i}`));
  if (path.basename(file).startsWith('signups')) {
    const r = roles.signups.shift();
    if (r) signups.push({ table: `t${i}`, ...r });
  } else {
    const r = roles.posts.shift();
    if (r) posts.push({ table: `t${i}`, ...r });
  }
}
for (const sql of referenceQueries(signups, posts)) await conn.run(sql);
conn.closeSync();
instance.closeSync();
