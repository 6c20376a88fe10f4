import { describe, expect, it } from 'vitest';
import { planWindows } from '../../src/embed/text-windows.js';

describe('planWindows', () => {
  it('keeps a text that fits into one window whole', () => {
    expect(planWindows(50, { size: 100, overlap: 10, leadWeight: 2 })).toEqual([{ start: 0, end: 50, weight: 100 }]);
  });

  it('cuts a long text into overlapping windows that end at the text end', () => {
    const windows = planWindows(250, { size: 100, overlap: 20, leadWeight: 1 });
    expect(windows.map((w) => [w.start, w.end])).toEqual([
      [0, 100],
      [80, 180],
      [160, 250],
    ]);
  });

  it('weighs windows by their token count and the first one by leadWeight more', () => {
    const windows = planWindows(250, { size: 100, overlap: 20, leadWeight: 2 });
    expect(windows.map((w) => w.weight)).toEqual([200, 100, 90]);
  });

  it('covers every token and never adds a window lying wholly inside the previous one', () => {
    for (let tokens = 1; tokens <= 400; tokens += 7) {
      const windows = planWindows(tokens, { size: 64, overlap: 16, leadWeight: 2 });
      expect(windows[0]!.start).toBe(0);
      expect(windows.at(-1)!.end).toBe(tokens);
      for (let i = 1; i < windows.length; i++) {
        expect(windows[i]!.start).toBeLessThan(windows[i - 1]!.end); // overlap, no gap
        expect(windows[i]!.end).toBeGreaterThan(windows[i - 1]!.end);
      }
      for (const w of windows) expect(w.end - w.start).toBeLessThanOrEqual(64);
    }
  });

  it('gives an empty text one empty window, so it still gets a vector', () => {
    expect(planWindows(0, { size: 10, overlap: 2, leadWeight: 2 })).toEqual([{ start: 0, end: 0, weight: 1 }]);
  });

  it('rejects an overlap as large as the window', () => {
    expect(() => planWindows(10, { size: 10, overlap: 10, leadWeight: 1 })).toThrow(RangeError);
    expect(() => planWindows(10, { size: 0, overlap: 0, leadWeight: 1 })).toThrow(RangeError);
  });
});
