import { describe, expect, it } from 'vitest';
import { FieldRegistry } from '../../main/engine/dissect/fields';

describe('field registry', () => {
  it('returns the same definition for a name registered twice with one type', () => {
    const r = new FieldRegistry();
    const a = r.register('ip.src', 'ipv4', 'Source');
    expect(r.register('ip.src', 'ipv4', 'Source')).toBe(a);
    expect(r.get('ip.src')?.type).toBe('ipv4');
    expect(r.byIndex(a.id).name).toBe('ip.src');
  });
  it('refuses one name with two types', () => {
    const r = new FieldRegistry();
    r.register('x.y', 'uint', 'X');
    expect(() => r.register('x.y', 'string', 'X')).toThrow(/twice/);
  });
});
