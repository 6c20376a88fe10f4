import { describe, expect, it } from 'vitest';
import { extractFeatureTable, vectorsFromTable } from '../../benchmarks/lib/feature-table.js';
import { LexicalEmbedder } from '../../src/embed/lexical/lexical-embedder.js';
import { DEFAULT_FEATURE_SETTINGS } from '../../src/embed/lexical/features.js';

const articles = [
  { lang: 'pl', title: 'Powódź na Odrze: Wrocław ewakuuje mieszkańców', text: 'We Wrocławiu 12 tysięcy osób opuściło domy. Poziom Odry przekroczył 6,5 metra, a NATO wysłało pomoc. Premier Donald Tusk zwołał sztab kryzysowy.' },
  { lang: 'de', title: 'Hochwasser an der Oder', text: 'In Breslau mussten 12.000 Menschen ihre Häuser verlassen. Der Pegel der Oder stieg auf 6,5 Meter; Ministerpräsident Tusk berief einen Krisenstab ein.' },
  { lang: 'en', title: 'Meridian-3 Launch Delayed | Space News', text: 'The launch of the Meridian-3 satellite from Kourou was postponed by 48 hours after engineers found a fault.' },
  { lang: 'fr', text: 'Le lancement du satellite Meridian-3 depuis Kourou a été reporté de 48 heures.' },
];

describe('feature tables for npm run train', () => {
  it('rebuild the embedder’s vectors for other multipliers without extracting again', async () => {
    const table = extractFeatureTable(articles, DEFAULT_FEATURE_SETTINGS);
    for (const multipliers of [
      DEFAULT_FEATURE_SETTINGS,
      { ...DEFAULT_FEATURE_SETTINGS, nameWeight: 1.7, placeWeight: 0.4, numberWeight: 2, tokenWeight: 0.9, titleWeight: 3.5, titleSurfaceWeight: 0.8 },
    ]) {
      const expected = await new LexicalEmbedder({ settings: multipliers }).embed(articles);
      const rebuilt = vectorsFromTable(table, multipliers, 4096);
      rebuilt.forEach((vector, i) => {
        const want = expected[i] as { indices: Uint32Array; values: Float32Array };
        expect(Array.from(vector.indices)).toEqual(Array.from(want.indices));
        vector.values.forEach((value, k) => expect(value).toBeCloseTo(want.values[k]!, 6));
      });
    }
  });
});
