// db and pool are process-wide: a second connect is refused by name instead of silently replacing the first,
// a disconnect lets the process connect again, and an app runs only on the database the process connected.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../../server/app/app.js';
import { loadConfig } from '../../../server/config.js';
import { connectDatabase, DatabaseAlreadyConnectedError, DatabaseNotConnectedError, db, disconnectDatabase, pool } from '../../../server/db/client.js';

const url = inject('databaseUrl');
/** Never reached: a refused connect opens nothing. */
const elsewhere = 'postgres://brightrun:hunter2@db.elsewhere.invalid:5432/other';

afterEach(() => disconnectDatabase());

describe('the process database connection', () => {
  it('refuses a second connect loudly, naming both databases without their passwords', async () => {
    connectDatabase(url, 2);
    const first = db;
    const refused = (() => {
      try {
        connectDatabase(elsewhere);
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(DatabaseAlreadyConnectedError);
    const { message, connectedUrl, requestedUrl } = refused as DatabaseAlreadyConnectedError;
    expect(requestedUrl).toBe('postgres://brightrun:***@db.elsewhere.invalid:5432/other');
    expect(connectedUrl).toContain(new URL(url).host);
    expect(message).toContain(connectedUrl);
    expect(message).toContain(requestedUrl);
    expect(message).not.toContain('hunter2');
    // The same database twice is refused too: two pools would still be one replacing the other.
    expect(() => connectDatabase(url)).toThrow(DatabaseAlreadyConnectedError);

    // The first connection is untouched and still answers.
    expect(db).toBe(first);
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('connects again after a disconnect', async () => {
    connectDatabase(url, 2);
    const first = db;
    expect(await db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    await disconnectDatabase();
    await disconnectDatabase(); // a second disconnect is harmless

    connectDatabase(url, 2);
    expect(db).not.toBe(first);
    expect(await db.$queryRaw`SELECT 2 AS two`).toEqual([{ two: 2 }]);
    expect((await pool.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
  });

  it('builds an app only on the database this process connected', async () => {
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', DATABASE_URL: url, LOG_LEVEL: 'silent' });
    await expect(buildApp(config, { databaseUrl: url })).rejects.toBeInstanceOf(DatabaseNotConnectedError);
    connectDatabase(url, 2);
    await expect(buildApp(config, { databaseUrl: elsewhere })).rejects.toThrow(/already connected to the database .*db\.elsewhere\.invalid/);
  });
});
