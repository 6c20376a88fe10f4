// Hand-written short reports for the second stage's tests: one earthquake told in English,
// German and Polish, and a related report of another earthquake (the hard case: same topic,
// another event).

import type { NormalizedArticle } from '../../src/article.js';

export const quakeEnglish: NormalizedArticle = {
  id: 'quake-en',
  lang: 'en',
  title: 'Earthquake of magnitude 6.8 hits Izmir, 117 dead',
  text:
    'A strong earthquake of magnitude 6.8 struck the Turkish city of Izmir on Friday afternoon. ' +
    'Rescue teams pulled survivors from collapsed apartment blocks, and the disaster agency AFAD said 117 people had died. ' +
    'President Erdogan promised help for the families who lost their homes.',
};

export const quakeGerman: NormalizedArticle = {
  id: 'quake-de',
  lang: 'de',
  title: 'Erdbeben der Stärke 6,8 erschüttert Izmir: 117 Tote',
  text:
    'Ein schweres Erdbeben der Stärke 6,8 hat am Freitagnachmittag die türkische Stadt Izmir getroffen. ' +
    'Rettungskräfte bargen Überlebende aus eingestürzten Wohnhäusern, die Katastrophenschutzbehörde AFAD meldete 117 Tote. ' +
    'Präsident Erdogan versprach den Familien, die ihr Zuhause verloren haben, Hilfe.',
};

export const otherQuakeGerman: NormalizedArticle = {
  id: 'other-quake-de',
  lang: 'de',
  title: 'Erdbeben in Japan: Tsunami-Warnung für Fukushima',
  text:
    'Ein Erdbeben der Stärke 7,1 hat am Samstagabend den Nordosten Japans erschüttert. ' +
    'Die Wetterbehörde gab eine Tsunami-Warnung für die Küste von Fukushima heraus, verletzt wurden nach ersten Angaben 14 Menschen. ' +
    'Ministerpräsident Suga rief die Bewohner auf, sich von der Küste fernzuhalten.',
};

export const electionPolish: NormalizedArticle = {
  id: 'election-pl',
  lang: 'pl',
  title: 'Sejm przyjął budżet na przyszły rok',
  text:
    'Posłowie przyjęli w piątek ustawę budżetową na przyszły rok. ' +
    'Za głosowało 235 posłów, przeciw było 210. ' +
    'Minister finansów zapowiedział, że deficyt nie przekroczy trzech procent.',
};
