import { defineConfig } from 'vitest/config';

/** The ClickHouse suite: a two-shard cluster of Debian's clickhouse-server on loopback. */
export default defineConfig({
  test: {
    include: ['test/clickhouse/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
