// Reads the header of an hnswlib index file and checks that the whole file is laid out
// the way hnswlib's loadIndex expects, for the dimension and M we expect. hnswlib's own
// checks stop short of this (a wrong dimension or a garbage count in the header makes
// it read out of bounds or allocate wildly), so nothing reaches readIndex unchecked.
//
// Layout (hnswlib 0.8, as vendored by hnswlib-node 3; size_t = 8 bytes, little-endian):
//   0 offsetLevel0 u64 | 8 maxElements u64 | 16 count u64 | 24 sizeDataPerElement u64
//   32 labelOffset u64 | 40 offsetData u64 | 48 maxLevel i32 | 52 entryPoint u32
//   56 maxM u64 | 64 maxM0 u64 | 72 M u64 | 80 mult f64 | 88 efConstruction u64
//   96 level-0 block: count * sizeDataPerElement bytes (links, vector, label)
//   then per element: u32 byte size of its upper-level links, followed by those bytes.

import { open } from 'node:fs/promises';
import { BundleError } from '../errors.js';

const HEADER_BYTES = 96;
const FLOAT_BYTES = 4;
const LINK_BYTES = 4; // tableint: one neighbour id, also the link-count field
const LABEL_BYTES = 8; // labeltype = size_t
/** Levels are drawn as floor(-ln(U) / ln(M)); more than this means a corrupt header. */
const MAX_PLAUSIBLE_LEVEL = 255;

export interface HnswFileFacts {
  /** Vectors stored, deleted ones included. */
  count: number;
  /** Capacity recorded in the file (hnswlib allocates this much on load). */
  maxElements: number;
}

export interface HnswFileExpectation {
  dimension: number;
  M: number;
  /** Vectors the file must hold, deleted ones included (the meta's slots). */
  count: number;
  /**
   * Largest capacity the file may claim. hnswlib allocates the claimed capacity on load,
   * so a corrupt one must not get that far. HnswIndex grows by doubling when full and
   * sizes a rebuilt graph for its live vectors plus headroom, so its capacity stays within
   * max(initial capacity, 2 x count + 64).
   */
  maxCapacity: number;
}

/** Checks an hnswlib index file against what its meta promises; throws BundleError. */
export async function checkHnswFile(file: string, expected: HnswFileExpectation): Promise<HnswFileFacts> {
  const fail = (message: string): never => {
    throw new BundleError(file, message);
  };
  const handle = await open(file, 'r');
  try {
    const { size: fileBytes } = await handle.stat();
    if (fileBytes < HEADER_BYTES) fail(`too short to be an hnswlib index (${fileBytes} bytes)`);
    const header = Buffer.alloc(HEADER_BYTES);
    await handle.read(header, 0, HEADER_BYTES, 0);
    const u64 = (offset: number): number => {
      const value = header.readBigUInt64LE(offset);
      return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
    };
    const offsetLevel0 = u64(0);
    const maxElements = u64(8);
    const count = u64(16);
    const sizeDataPerElement = u64(24);
    const labelOffset = u64(32);
    const offsetData = u64(40);
    const maxLevel = header.readInt32LE(48);
    const entryPoint = header.readUInt32LE(52);
    const maxM = u64(56);
    const maxM0 = u64(64);
    const M = u64(72);

    if (offsetLevel0 !== 0) fail('header is not an hnswlib index header (offsetLevel0 is not 0)');
    if (M !== expected.M || maxM !== expected.M || maxM0 !== 2 * expected.M) {
      fail(`header has M=${M} (maxM=${maxM}, maxM0=${maxM0}) but the meta says M=${expected.M}`);
    }
    const linksLevel0Bytes = maxM0 * LINK_BYTES + LINK_BYTES;
    if (offsetData !== linksLevel0Bytes) fail('header field offsetData does not fit M');
    const vectorBytes = labelOffset - offsetData;
    if (vectorBytes !== expected.dimension * FLOAT_BYTES) {
      const stored = vectorBytes > 0 && vectorBytes % FLOAT_BYTES === 0 ? String(vectorBytes / FLOAT_BYTES) : 'invalid';
      fail(`index data holds vectors of dimension ${stored} but the meta says ${expected.dimension}`);
    }
    if (sizeDataPerElement !== labelOffset + LABEL_BYTES) {
      fail('header field sizeDataPerElement does not fit dimension and M');
    }
    if (count !== expected.count) {
      fail(`index data holds ${count} vectors but the meta's id map has ${expected.count} labels`);
    }
    if (maxElements < count || maxElements > expected.maxCapacity) {
      fail(`header capacity ${maxElements} is impossible for ${count} vectors (at most ${expected.maxCapacity})`);
    }
    if (count === 0) {
      if (maxLevel !== -1) fail('header of an empty index has a top level');
    } else if (maxLevel < 0 || maxLevel > MAX_PLAUSIBLE_LEVEL || entryPoint >= count) {
      fail(`header has an impossible top level (${maxLevel}) or entry point (${entryPoint})`);
    }

    // Walk the per-element upper-level link blocks; their sizes must add up to the file.
    const linksPerLevelBytes = maxM * LINK_BYTES + LINK_BYTES;
    const upperStart = HEADER_BYTES + count * sizeDataPerElement;
    if (upperStart + count * LINK_BYTES > fileBytes) {
      fail(`truncated: ${count} vectors need more than the file's ${fileBytes} bytes`);
    }
    const upper = Buffer.alloc(fileBytes - upperStart);
    await handle.read(upper, 0, upper.length, upperStart);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      if (offset + LINK_BYTES > upper.length) fail(`truncated in the link lists (element ${i} of ${count})`);
      const blockBytes = upper.readUInt32LE(offset);
      if (blockBytes % linksPerLevelBytes !== 0 || blockBytes / linksPerLevelBytes > maxLevel) {
        fail(`link list of element ${i} has an impossible size (${blockBytes} bytes)`);
      }
      offset += LINK_BYTES + blockBytes;
    }
    if (offset !== upper.length) {
      const difference = offset < upper.length ? `${upper.length - offset} bytes extra` : `${offset - upper.length} bytes missing`;
      fail(`file size does not match its contents (${difference})`);
    }
    return { count, maxElements };
  } finally {
    await handle.close();
  }
}
