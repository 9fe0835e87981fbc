import { divideMinor } from './stickiness.query';

describe('dividing money among customers', () => {
  it.each([
    [100_00, 3, 33_33],
    [200, 3, 67],
    [5, 2, 3],
    [-5, 2, -3],
    [7, 1, 7],
    [0, 4, 0],
    [123, 0, 0],
  ])('%d minor units over %d customers is %d (half away from zero, no floats)', (total, by, expected) => expect(divideMinor(total, by)).toBe(expected));
});
