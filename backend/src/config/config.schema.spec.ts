import { ConfigError, parseConfig } from './config.schema.js';

describe('configuration', () => {
  it('defaults serve the embedded setup', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      PORT: 3000,
      embedded: true,
      SEED_DEMO: true,
      LOG_FORMAT: 'pretty',
      DATA_DIR: '.data',
      CHECKIN_DEADLINE: '07:30',
    });
  });

  it('turns the demo seed off and logs into JSON lines for a real deployment', () => {
    const c = parseConfig({ DATABASE_URL: 'postgres://u@db/x', NODE_ENV: 'production' });
    expect(c).toMatchObject({ embedded: false, SEED_DEMO: false, LOG_FORMAT: 'json' });
  });

  it('names every bad variable at once, and never prints a secret', () => {
    let err: unknown;
    try {
      parseConfig({ PORT: 'eighty', CHECKIN_DEADLINE: '7.30', JWT_SECRET: 'short-but-secret', DATABASE_URL: 'mysql://u:hunter2@db/x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CHECKIN_DEADLINE', 'DATABASE_URL', 'JWT_SECRET', 'PORT']);
    expect(problems.join('\n')).toContain('"eighty"');
    expect(problems.join('\n')).not.toMatch(/short-but-secret|hunter2/);
  });
});
