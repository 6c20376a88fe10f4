import { describe, expect, it } from 'vitest';
import { compactionDue, IdMap, IdMapDataError, MIN_DELETED_TO_COMPACT } from '../../src/ann/id-map.js';
import { DuplicateIdError } from '../../src/errors.js';

describe('IdMap', () => {
  it('hands out dense labels in insertion order and maps both ways', () => {
    const map = new IdMap();
    expect(map.assign('b')).toBe(0);
    expect(map.assign('a')).toBe(1);
    expect(map.labelOf('a')).toBe(1);
    expect(map.idOf(0)).toBe('b');
    expect(map.ids()).toEqual(['b', 'a']);
    expect(map.size).toBe(2);
  });

  it('refuses to assign a live id twice', () => {
    const map = new IdMap();
    map.assign('a');
    expect(() => map.assign('a')).toThrow(DuplicateIdError);
  });

  it('keeps a deleted label unused, and gives a re-added id a new label', () => {
    const map = new IdMap();
    map.assign('a');
    map.assign('b');
    expect(map.delete('a')).toBe(0);
    expect(map.delete('a')).toBeUndefined();
    expect(map.idOf(0)).toBeUndefined();
    expect(map.has('a')).toBe(false);
    expect(map.assign('a')).toBe(2);
    expect(map).toMatchObject({ size: 2, labelCount: 3, deletedCount: 1 });
    expect(map.ids()).toEqual(['b', 'a']);
  });

  it('compacts to dense labels, keeping order and reporting the translation', () => {
    const map = new IdMap();
    for (const id of ['a', 'b', 'c', 'd']) map.assign(id);
    map.delete('a');
    map.delete('c');
    expect(Array.from(map.compact())).toEqual([-1, 0, -1, 1]);
    expect(map.labelOf('d')).toBe(1);
    expect(map.idOf(1)).toBe('d');
    expect(map).toMatchObject({ size: 2, labelCount: 2, deletedCount: 0 });
    expect(map.assign('e')).toBe(2);
  });

  it('lists live labels in insertion order, the order compact renumbers them in', () => {
    const map = new IdMap();
    for (const id of ['a', 'b', 'c', 'd']) map.assign(id);
    map.delete('b');
    expect(map.liveLabels()).toEqual([0, 2, 3]);
    map.compact();
    expect(map.liveLabels()).toEqual([0, 1, 2]);
  });

  it('calls for compaction once deleted entries outnumber live ones and there are at least 64', () => {
    expect(compactionDue(64, 63)).toBe(true);
    expect(compactionDue(64, 64)).toBe(false);
    expect(compactionDue(63, 0)).toBe(false);
    expect(MIN_DELETED_TO_COMPACT).toBe(64);
  });

  it('round-trips through JSON, deleted labels included', () => {
    const map = new IdMap();
    for (const id of ['a', 'b', 'c']) map.assign(id);
    map.delete('b');
    const copy = IdMap.fromJSON(JSON.parse(JSON.stringify(map)));
    expect(copy.toJSON()).toEqual({ ids: ['a', null, 'c'] });
    expect(copy.labelOf('c')).toBe(2);
    expect(copy.assign('d')).toBe(3);
  });

  it('rejects malformed data with IdMapDataError', () => {
    expect(() => IdMap.fromJSON(null)).toThrow(IdMapDataError);
    expect(() => IdMap.fromJSON({ ids: 'a' })).toThrow(IdMapDataError);
    expect(() => IdMap.fromJSON({ ids: ['a', 3] })).toThrow(IdMapDataError);
    expect(() => IdMap.fromJSON({ ids: ['a', null, 'a'] })).toThrow(/twice/);
  });
});
