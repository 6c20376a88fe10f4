// Splits an article's tokens into model-sized windows and says how much each window counts
// in the article vector. Works on token positions only, so it is independent of any tokenizer.

/** A half-open range `[start, end)` of content-token positions. */
export interface TokenWindow {
  start: number;
  end: number;
  /** Share of this window in the article vector (relative to the other windows of the article). */
  weight: number;
}

export interface WindowPlanOptions {
  /** Content tokens per window (model limit minus special and prefix tokens). */
  size: number;
  /** Tokens shared by neighbouring windows, so a sentence cut at a border is whole in one of them. */
  overlap: number;
  /** Multiplier for the first window, which holds the headline and lead. */
  leadWeight: number;
}

/**
 * Windows of `size` tokens, each starting `size - overlap` after the previous one; the last
 * window ends at the text's end and may be shorter.
 *
 * Weighting: a window counts as many times as it has tokens, so a short tail does not weigh as
 * much as a full window; the first window is multiplied by `leadWeight` because news is written
 * as an inverted pyramid: headline and lead name the story, later paragraphs add background
 * that other reports of the same story may not share. An empty text yields one empty window
 * (the model still sees its special tokens) with weight 1.
 */
export function planWindows(tokenCount: number, options: WindowPlanOptions): TokenWindow[] {
  const { size, overlap, leadWeight } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) {
    throw new RangeError(`window overlap must be an integer in [0, ${size - 1}], got ${overlap}`);
  }
  if (tokenCount === 0) return [{ start: 0, end: 0, weight: 1 }];

  const stride = size - overlap;
  const windows: TokenWindow[] = [];
  for (let start = 0; ; start += stride) {
    const end = Math.min(start + size, tokenCount);
    windows.push({ start, end, weight: end - start });
    if (end === tokenCount) break;
  }
  windows[0]!.weight *= leadWeight;
  return windows;
}
