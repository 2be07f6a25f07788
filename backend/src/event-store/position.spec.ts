import { comparePositions, position, positionFromString, positionToString, maxPosition } from './position.js';

describe('position', () => {
  it('orders by commit, then prepare', () => {
    expect(comparePositions(position(1n, 9n), position(2n, 0n))).toBe(-1);
    expect(comparePositions(position(2n, 1n), position(2n, 0n))).toBe(1);
    expect(comparePositions(position(2n, 1n), position(2n, 1n))).toBe(0);
  });
  it('round-trips through its string form, beyond 2^53', () => {
    const p = position(18446744073709551615n, 9007199254740993n);
    expect(positionToString(p)).toBe('18446744073709551615/9007199254740993');
    expect(positionFromString(positionToString(p))).toEqual(p);
  });
  it('rejects strings that are not positions', () => {
    expect(() => positionFromString('12')).toThrow('not a position');
    expect(() => positionFromString('-1/2')).toThrow('not a position');
  });
  it('maxPosition treats null as the start', () => {
    expect(maxPosition(null, position(1n, 1n))).toEqual(position(1n, 1n));
    expect(maxPosition(position(3n, 0n), position(1n, 1n))).toEqual(position(3n, 0n));
  });
});
