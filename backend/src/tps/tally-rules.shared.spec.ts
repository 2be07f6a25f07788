import { readFileSync } from 'node:fs';

/**
 * tally-rules.ts is imported by the officers' app in the browser (`$tally-rules` in dashboard/vite.config.ts): one
 * module for both sides. It must stay free of Node, Nest and any runtime import, or the phone's bundle breaks.
 */
describe('tally-rules.ts is shareable with the browser', () => {
  it('has only type imports, from the event types', () => {
    const source = readFileSync(new URL('./tally-rules.ts', import.meta.url), 'utf8');
    const imports = source.split('\n').filter((l) => /^\s*import\b/.test(l));
    expect(imports).toEqual(["import type { FieldDiff, Oddity, RuleViolation, TallyForm } from './tps.events.js';"]);
  });

  it('the dashboard build resolves $tally-rules to this file', () => {
    const vite = readFileSync(new URL('../../../dashboard/vite.config.ts', import.meta.url), 'utf8');
    expect(vite).toContain("'$tally-rules': fileURLToPath(new URL('../backend/src/tps/tally-rules.ts', import.meta.url))");
  });
});
