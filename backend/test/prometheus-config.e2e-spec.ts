import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../infra/prometheus/', import.meta.url));
const promtool = (...args: string[]) => spawnSync('promtool', args, { encoding: 'utf8' });

describe('infra/prometheus (promtool)', () => {
  it('the scrape config and the alert rules pass promtool', () => {
    if (promtool('--version').error) {
      console.log('promtool checks skipped: promtool is not installed (apt-get install prometheus)');
      expect(promtool('--version').error).toBeDefined();
      return;
    }
    const config = promtool('check', 'config', `${dir}prometheus.yml`);
    expect([config.status, config.stderr]).toEqual([0, '']);
    const rules = promtool('check', 'rules', `${dir}alerts.yml`);
    expect([rules.status, rules.stderr]).toEqual([0, '']);
    expect(rules.stdout).toMatch(/SUCCESS: 10 rules found/);
  });
});
