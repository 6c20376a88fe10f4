// Per-language word tables: every known form (frequency list + dictionary headwords) with its
// information content and concepts, plus Snowball-stem entries ('~stem') that the runtime
// reaches by trimming unknown inflected forms.

import { stem } from './stemmer.js';
import { addScaled, normalise, type Distribution } from './concepts.js';
import type { FrequencyList } from './frequency.js';

export interface WordRow {
  /** Form, or '~' + Snowball stem. */
  key: string;
  /** -ln p(form) from the frequency list; undefined when the form is not in it. */
  informationContent: number | undefined;
  concepts: Distribution;
}

export interface WordTableInput {
  lang: string;
  /** Lemma / headword → concepts. */
  lemmaConcepts: Map<string, Distribution>;
  frequency: FrequencyList | undefined;
  /** form → lemmas (from hunspell: Polish, German); absent for other languages. */
  lemmasOf?: Map<string, string[]>;
  /**
   * Polish: lemmas first, merged with the form's own senses. Otherwise (German) lemmas only
   * fill gaps that neither the form itself nor its Snowball stem covers.
   * @default true
   */
  lemmasFirst?: boolean;
}

const STEMMABLE = /^\p{L}+$/u;

function safeStem(lang: string, word: string): string | undefined {
  if (!STEMMABLE.test(word)) return undefined;
  try {
    return stem(lang as Parameters<typeof stem>[0], word);
  } catch {
    return undefined;
  }
}

export function buildWordTable(input: WordTableInput): WordRow[] {
  const { lang, lemmaConcepts, frequency, lemmasOf, lemmasFirst = true } = input;
  const forms = new Set<string>([...(frequency?.counts.keys() ?? []), ...[...lemmaConcepts.keys()].filter((k) => !k.includes(' '))]);

  // Stem → concepts of the headwords with that stem: the fallback for unseen inflections.
  const stemConcepts = new Map<string, Distribution>();
  for (const [lemma, dist] of lemmaConcepts) {
    if (lemma.includes(' ') || dist.size === 0) continue;
    const s = safeStem(lang, lemma);
    if (!s || s.length < 3) continue;
    let target = stemConcepts.get(s);
    if (!target) stemConcepts.set(s, (target = new Map()));
    addScaled(target, dist, 1);
  }

  const rows: WordRow[] = [];
  const total = frequency?.total ?? 0;
  for (const form of forms) {
    let concepts: Distribution | undefined = lemmaConcepts.get(form);
    if (lemmasOf && lemmasFirst) {
      // Polish: hunspell lemmas first, since a form can also be a (rarer) headword of its own.
      const lemmas = (lemmasOf.get(form) ?? []).filter((l) => l !== form && (lemmaConcepts.get(l)?.size ?? 0) > 0);
      if (lemmas.length > 0) {
        const merged: Distribution = new Map();
        if (concepts && concepts.size > 0) addScaled(merged, concepts, 1);
        for (const lemma of lemmas) addScaled(merged, lemmaConcepts.get(lemma)!, 1 / lemmas.length);
        concepts = merged;
      }
    }
    if (!concepts || concepts.size === 0) {
      const s = safeStem(lang, form);
      concepts = s ? stemConcepts.get(s) : undefined;
    }
    if ((!concepts || concepts.size === 0) && lemmasOf && !lemmasFirst) {
      const lemmas = (lemmasOf.get(form) ?? []).filter((l) => l !== form && (lemmaConcepts.get(l)?.size ?? 0) > 0);
      if (lemmas.length > 0) {
        concepts = new Map();
        for (const lemma of lemmas) addScaled(concepts, lemmaConcepts.get(lemma)!, 1 / lemmas.length);
      }
    }
    const count = frequency?.counts.get(form);
    const informationContent = count !== undefined && total > 0 ? -Math.log(count / total) : undefined;
    if (informationContent === undefined && (!concepts || concepts.size === 0)) continue;
    rows.push({ key: form, informationContent, concepts: concepts && concepts.size > 0 ? normalise(concepts) : new Map() });
  }
  // Stems of frequent forms map too, so rare inflections of common words are found.
  for (const row of rows) {
    if (row.key.startsWith('~') || row.concepts.size === 0 || row.informationContent === undefined) continue;
    const s = safeStem(lang, row.key);
    if (!s || s.length < 3) continue;
    if (!stemConcepts.has(s)) stemConcepts.set(s, new Map(row.concepts));
  }
  for (const [s, dist] of stemConcepts) rows.push({ key: `~${s}`, informationContent: undefined, concepts: normalise(dist) });
  return rows;
}

/**
 * Binary word table (gzipped by the caller), read by src/embed/lexical/lexicon.ts without
 * per-row objects: rows sorted by the UTF-8 bytes of their keys, so the runtime binary-searches
 * the key bytes instead of building a Map of 100,000 strings. Lengths rather than offsets are
 * stored (they compress to a fraction), concept ids in 2 bytes while they fit. Little-endian:
 *   'SSW2' u32 rowCount u32 conceptRefs u32 keyBytes u32 idBytes (2 or 4)
 *   keys (UTF-8, concatenated) | u8 keyLength[rowCount] | u8 conceptCount[rowCount]
 *   u16 informationContent×100 [rowCount] (0xffff = unknown) | u8 weight×255 [conceptRefs]
 *   conceptId[conceptRefs] (idBytes each)
 */
export function encodeWordTable(unsorted: WordRow[], conceptId: Map<string, number>): Buffer {
  const encoded = unsorted
    .map((row) => ({ row, key: Buffer.from(row.key, 'utf8') }))
    // Lengths are stored in one byte: longer keys are never news words anyway.
    .filter((e) => e.key.length <= 255 && e.row.concepts.size <= 255);
  encoded.sort((a, b) => Buffer.compare(a.key, b.key));
  const rows = encoded.map((e) => e.row);
  const keys = Buffer.concat(encoded.map((e) => e.key));
  const refs = rows.reduce((n, r) => n + r.concepts.size, 0);
  const idBytes = conceptId.size <= 0xffff ? 2 : 4;
  const header = 20;
  const lengthsAt = header + keys.length;
  const countsAt = lengthsAt + rows.length;
  const icAt = countsAt + rows.length;
  const weightAt = icAt + 2 * rows.length;
  const idsAt = weightAt + refs;
  const size = idsAt + idBytes * refs;
  const out = Buffer.alloc(size);
  out.write('SSW2', 0, 'latin1');
  out.writeUInt32LE(rows.length, 4);
  out.writeUInt32LE(refs, 8);
  out.writeUInt32LE(keys.length, 12);
  out.writeUInt32LE(idBytes, 16);
  keys.copy(out, header);
  let ref = 0;
  rows.forEach((row, i) => {
    out.writeUInt8(encoded[i]!.key.length, lengthsAt + i);
    out.writeUInt8(row.concepts.size, countsAt + i);
    const ic = row.informationContent === undefined ? 0xffff : Math.min(0xfffe, Math.round(row.informationContent * 100));
    out.writeUInt16LE(ic, icAt + 2 * i);
    for (const [concept, weight] of row.concepts) {
      const id = conceptId.get(concept)!;
      if (idBytes === 2) out.writeUInt16LE(id, idsAt + 2 * ref);
      else out.writeUInt32LE(id, idsAt + 4 * ref);
      out.writeUInt8(Math.max(1, Math.min(255, Math.round(weight * 255))), weightAt + ref);
      ref++;
    }
  });
  if (ref !== refs) throw new Error(`word table refs mismatch: ${ref} != ${refs}`);
  return out;
}
