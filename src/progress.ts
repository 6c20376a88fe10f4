// One progress shape for every long operation (embedding, indexing, clustering),
// modelled on ky's {percent, transferredBytes, totalBytes}.

export interface Progress {
  /** Which stage reports: 'embed', 'index', 'cluster', 'load'. */
  stage: string;
  /** Units done so far (articles, vectors). */
  done: number;
  /** Units in total, when known; 0 when the total is not known (streams). */
  total: number;
  /** done / total in [0, 1]; 0 when the total is not known. */
  percent: number;
}

export type ProgressCallback = (progress: Progress) => void;

export function progressOf(stage: string, done: number, total: number): Progress {
  return { stage, done, total, percent: total > 0 ? Math.min(1, done / total) : 0 };
}
