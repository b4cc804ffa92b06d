import { describe, expect, it } from 'vitest';
import { canonicalDnsName, closestZone } from '../../../functions/core/dns-zones.ts';

describe('canonicalDnsName', () => {
  it('lowercases and drops the trailing dot of an absolute name', () => {
    expect(canonicalDnsName('_ABC.Example.COM.')).toBe('_abc.example.com');
    expect(canonicalDnsName('example.com')).toBe('example.com');
  });
});

describe('closestZone', () => {
  const zones = ['example.com', 'sub.example.com', 'other.test'];

  it('picks the longest zone that contains the name, whatever the order of the zones', () => {
    expect(closestZone('_x.www.sub.example.com.', zones)).toBe('sub.example.com');
    expect(closestZone('_x.www.sub.example.com', [...zones].reverse())).toBe('sub.example.com');
    expect(closestZone('_x.www.example.com', zones)).toBe('example.com');
    expect(closestZone('SUB.Example.com', zones)).toBe('sub.example.com');
  });

  it('does not match a zone that is only a suffix of a label', () => {
    expect(closestZone('notexample.com', zones)).toBeUndefined();
    expect(closestZone('example.org', zones)).toBeUndefined();
  });
});
