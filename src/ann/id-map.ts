// The one place where string article ids meet the dense numeric labels that index
// storage (hnswlib-node labels, rows of a Float32Array) works with; orama's
// internal-document-id-store pattern. Labels are handed out in insertion order and
// only ever renumbered by `compact`, which keeps their order, so "ascending label"
// doubles as "insertion order".

import { DuplicateIdError } from '../errors.js';

/** Serialised form: `ids[label]` is the article id, or null once that label was deleted. */
export interface IdMapData {
  ids: Array<string | null>;
}

/** A reason why serialised id-map data cannot be used; callers wrap it in their own error. */
export class IdMapDataError extends Error {
  override name = 'IdMapDataError' as const;
}

// Storage keeps deleted entries until they outnumber live ones: compacting then costs at
// most one move (ExactIndex) or one re-insert (HnswIndex) per delete since the last one,
// so deletes stay amortised cheap, and storage stays under 2 x live + this many entries.
// The minimum keeps a tiny index from compacting on nearly every delete.
export const MIN_DELETED_TO_COMPACT = 64;

/** True when storage holding `live` entries and `deleted` dead ones should compact now. */
export function compactionDue(deleted: number, live: number): boolean {
  return deleted >= MIN_DELETED_TO_COMPACT && deleted > live;
}

export class IdMap {
  // Deleted labels keep an `undefined` slot so labels stay dense and stable.
  #idByLabel: Array<string | undefined> = [];
  #labelById = new Map<string, number>();

  /** Number of live (not deleted) ids. */
  get size(): number {
    return this.#labelById.size;
  }

  /** Number of labels ever handed out, deleted ones included (the next label to assign). */
  get labelCount(): number {
    return this.#idByLabel.length;
  }

  /** Number of labels that were deleted and not compacted away. */
  get deletedCount(): number {
    return this.#idByLabel.length - this.#labelById.size;
  }

  /** Gives `id` the next free label. Throws DuplicateIdError when `id` is live already. */
  assign(id: string): number {
    if (this.#labelById.has(id)) throw new DuplicateIdError(id);
    const label = this.#idByLabel.length;
    this.#idByLabel.push(id);
    this.#labelById.set(id, label);
    return label;
  }

  has(id: string): boolean {
    return this.#labelById.has(id);
  }

  /** The label of a live id, or undefined. */
  labelOf(id: string): number | undefined {
    return this.#labelById.get(id);
  }

  /** Labels of those of `ids` that are present (ids a search must leave out). */
  labelsOf(ids: Iterable<string>): Set<number> {
    const labels = new Set<number>();
    for (const id of ids) {
      const label = this.labelOf(id);
      if (label !== undefined) labels.add(label);
    }
    return labels;
  }

  /** The id behind a live label, or undefined for deleted or unknown labels. */
  idOf(label: number): string | undefined {
    return this.#idByLabel[label];
  }

  /** Marks `id` deleted and returns its former label, or undefined when it was not live. */
  delete(id: string): number | undefined {
    const label = this.#labelById.get(id);
    if (label === undefined) return undefined;
    this.#labelById.delete(id);
    this.#idByLabel[label] = undefined;
    return label;
  }

  /** Labels of live ids in insertion order (what `compact` will number 0, 1, 2, ...). */
  liveLabels(): number[] {
    const out: number[] = [];
    this.#idByLabel.forEach((id, label) => {
      if (id !== undefined) out.push(label);
    });
    return out;
  }

  /** Live ids in insertion order. */
  ids(): string[] {
    const out: string[] = [];
    for (const id of this.#idByLabel) if (id !== undefined) out.push(id);
    return out;
  }

  /**
   * Drops deleted labels and renumbers the live ones densely, keeping their order.
   * Returns the translation table: `newLabelOf[oldLabel]` is the new label, or -1 for
   * a dropped one. Only storage that is renumbered at the same time may call this.
   */
  compact(): Int32Array {
    const newLabelOf = new Int32Array(this.#idByLabel.length).fill(-1);
    const kept: string[] = [];
    this.#idByLabel.forEach((id, oldLabel) => {
      if (id === undefined) return;
      newLabelOf[oldLabel] = kept.length;
      this.#labelById.set(id, kept.length);
      kept.push(id);
    });
    this.#idByLabel = kept;
    return newLabelOf;
  }

  toJSON(): IdMapData {
    return { ids: this.#idByLabel.map((id) => id ?? null) };
  }

  /** Rebuilds a map from `toJSON` output; throws IdMapDataError when the data is malformed. */
  static fromJSON(data: unknown): IdMap {
    const ids = (data as Partial<IdMapData> | null)?.ids;
    if (!Array.isArray(ids)) throw new IdMapDataError('id map must be an object with an `ids` array');
    const map = new IdMap();
    ids.forEach((id: unknown, label) => {
      if (id === null) {
        map.#idByLabel.push(undefined);
        return;
      }
      if (typeof id !== 'string') {
        throw new IdMapDataError(`id map entry ${label} must be a string or null, got ${typeof id}`);
      }
      if (map.#labelById.has(id)) throw new IdMapDataError(`id map holds id '${id}' twice`);
      map.#labelById.set(id, label);
      map.#idByLabel.push(id);
    });
    return map;
  }
}
