import { rateLimitedNetwork } from './client-network';

describe('the network a per-IP rate-limit rule counts', () => {
  it('counts an IPv4 client by its address, also when the socket shows it IPv4-mapped', () => {
    expect(rateLimitedNetwork('192.0.2.1', 64)).toBe('192.0.2.1');
    expect(rateLimitedNetwork('::ffff:192.0.2.1', 64)).toBe('::ffff:192.0.2.1');
    expect(rateLimitedNetwork('::ffff:c000:201', 64)).toBe('::ffff:c000:201');
  });

  it('counts an IPv6 client by its network of the configured prefix, however the address is written', () => {
    const network = '2001:db8:1:2::/64';
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:DB8:1:2:0:0:0:9', '2001:0db8:0001:0002::abcd']) {
      expect(rateLimitedNetwork(address, 64)).toBe(network);
    }
    expect(rateLimitedNetwork('2001:db8:1:3::1', 64)).toBe('2001:db8:1:3::/64');
    expect(rateLimitedNetwork('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200::/56');
    expect(rateLimitedNetwork('2001:db8:abcd:1::1', 33)).toBe('2001:db8:8000::/33');
    expect(rateLimitedNetwork('::1', 64)).toBe('::/64');
    expect(rateLimitedNetwork('fe80::1%eth0', 64)).toBe('fe80::/64');
  });

  it('counts each address at prefix 128, as the gateway sees it', () => {
    expect(rateLimitedNetwork('2001:db8:1:2::1', 128)).toBe('2001:db8:1:2::1');
  });

  it('leaves a value that is no address as it is', () => {
    expect(rateLimitedNetwork('not-an-ip', 64)).toBe('not-an-ip');
    expect(rateLimitedNetwork('a:b', 64)).toBe('a:b');
  });
});
