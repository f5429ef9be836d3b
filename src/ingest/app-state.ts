/**
 * Small settings the app keeps next to the data (the last view), so that reopening the app
 * after a reload or in a new tab brings the analyst back to the same view of the same data.
 */
import { sqlString } from '../db/engine.ts';
import type { Engine } from '../db/engine.ts';

const CREATE = 'CREATE TABLE IF NOT EXISTS app_state (key VARCHAR PRIMARY KEY, value VARCHAR)';

export async function saveSetting(engine: Engine, key: string, value: string): Promise<void> {
  await engine.exec(CREATE);
  // Delete then insert rather than INSERT OR REPLACE (a restored app_state is a copy made with
  // CREATE TABLE AS, which carries no primary key), in one statement list: the app's one
  // connection never runs another statement between the two.
  await engine.exec(
    `DELETE FROM app_state WHERE key = ${sqlString(key)};
     INSERT INTO app_state VALUES (${sqlString(key)}, ${sqlString(value)})`,
  );
}

export async function readSetting(engine: Engine, key: string): Promise<string | null> {
  await engine.exec(CREATE);
  const rows = await engine.query<{ value: string }>('SELECT value FROM app_state WHERE key = ?', [
    key,
  ]);
  return rows[0]?.value ?? null;
}
