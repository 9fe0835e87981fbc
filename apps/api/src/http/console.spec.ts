// Which encoding a console asset is sent in.
import { chooseEncoding } from './console';

describe('chooseEncoding', () => {
  it.each([
    ['gzip, deflate, br, zstd', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0.0, gzip;q=0', 'identity'],
    ['*', 'gzip'],
    ['identity', 'identity'],
    [undefined, 'identity'],
    ['BR;q=0.5', 'br'],
  ])('given Accept-Encoding %p, then the asset goes as %s', (header, expected) => {
    expect(chooseEncoding(header)).toBe(expected);
  });
});
