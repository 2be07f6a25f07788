import { parseCheckpointFile } from './checkpoint-file.js';
import { parseVerifyArgs } from './verify-command.js';

const cp = (n: number) => ({ id: n, position: `${n}/0`, logHead: 'a'.repeat(64), eventsCount: n, at: 'x', keyId: 'k', signature: `s${n}` });

describe('saved checkpoint files', () => {
  it('reads an array, a page, JSON lines of pages (duplicates once) and an audit export', () => {
    expect(parseCheckpointFile(JSON.stringify([cp(1), cp(2)])).map((c) => c.id)).toEqual([1, 2]);
    expect(parseCheckpointFile(JSON.stringify({ checkpoints: [cp(2)], next: null })).map((c) => c.id)).toEqual([2]);
    const curl = [{ checkpoints: [cp(2), cp(1)] }, { checkpoints: [cp(3), cp(2)] }].map((p) => JSON.stringify(p)).join('\n');
    expect(parseCheckpointFile(curl).map((c) => c.id)).toEqual([2, 1, 3]);
    const exported = [{ kind: 'export-header' }, { stream: 'tps-1', position: '1/0' }, { kind: 'checkpoints', checkpoints: [cp(1)] }];
    expect(parseCheckpointFile(exported.map((l) => JSON.stringify(l)).join('\n')).map((c) => c.id)).toEqual([1]);
  });

  it('names the line that is not a checkpoint', () => {
    expect(() => parseCheckpointFile(`${JSON.stringify(cp(1))}\n{"position":"1/0"}`)).toThrow(/^line 2: not a signed checkpoint/);
    expect(() => parseCheckpointFile(`${JSON.stringify(cp(1))}\nnot json`)).toThrow('line 2: not JSON');
  });
});

describe('audit:verify arguments', () => {
  it('parses the options and refuses bad ones with the flag named', () => {
    expect(parseVerifyArgs(['--expect-head', 'b'.repeat(64), '--at', '12/3'])).toEqual({ expectHead: 'b'.repeat(64), at: '12/3' });
    expect(parseVerifyArgs(['--checkpoints', 'f.json', '--public-key', 'k.pem'])).toEqual({ checkpoints: 'f.json', publicKey: 'k.pem' });
    expect(() => parseVerifyArgs(['--expect-head', 'XYZ'])).toThrow(/^--expect-head/);
    expect(() => parseVerifyArgs(['--at', '1/2'])).toThrow('--at needs --expect-head');
    expect(() => parseVerifyArgs(['--bogus', '1'])).toThrow(/^--bogus/);
  });
});
