import { describe, expect, it } from 'vitest';
import { openNodeEngine } from '../../src/db/node-engine.ts';
import { ingestFiles } from '../../src/ingest/ingest.ts';
import { bufferInput } from '../../src/ingest/input-file.ts';
import { datasetFingerprint, fingerprintCounts } from '../../src/state/fingerprint.ts';

const SIGNUPS =
  'user_id,signup_at,country\nu1,2025-01-01T00:00:00Z,US\nu2,2025-01-02T00:00:00Z,CN\n';
const SIGNUPS_REORDERED =
  'user_id,signup_at,country\nu2,2025-01-02T00:00:00Z,CN\nu1,2025-01-01T00:00:00Z,US\n';
const POSTS = 'post_id,user_id,created_at,category\np1,u1,2025-01-03T00:00:00Z,cats\n';

async function fingerprintOf(signups: string, posts: string) {
  const engine = await openNodeEngine();
  try {
    await ingestFiles(engine, [
      { input: bufferInput('s.csv', signups), options: { table: 'signups' } },
      { input: bufferInput('p.csv', posts), options: { table: 'posts' } },
    ]);
    return await datasetFingerprint(engine);
  } finally {
    await engine.close();
  }
}

describe('dataset fingerprint', () => {
  it('is the same for the same data in another row order, and carries the counts', async () => {
    const a = await fingerprintOf(SIGNUPS, POSTS);
    const b = await fingerprintOf(SIGNUPS_REORDERED, POSTS);
    expect(a.id).toBe(b.id);
    expect(a.id).toMatch(/^v1-2s-1p-[0-9a-f]{12}$/);
    expect(fingerprintCounts(a.id)).toEqual({ signups: 2, posts: 1 });
  });

  it('changes when one value changes', async () => {
    const a = await fingerprintOf(SIGNUPS, POSTS);
    const b = await fingerprintOf(SIGNUPS.replace('CN', 'HK'), POSTS);
    const c = await fingerprintOf(SIGNUPS, POSTS.replace('cats', 'dogs'));
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });
});
