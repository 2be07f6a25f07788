import { describe, expect, it } from '@jest/globals';
import { fitWithin, MAX_SIDE } from './image.ts';

describe('photo resizing', () => {
  it('shrinks the longest side to the limit, keeping the aspect ratio, and never enlarges', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: MAX_SIDE, height: 1200 });
    expect(fitWithin(3000, 4000)).toEqual({ width: 1200, height: MAX_SIDE });
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
  });
});
