// German verb and adjective inflections mapped to dictionary headwords by rule (sagte → sagen,
// gesagt → sagen, forderte → fordern, neuen → neu). Snowball stems miss these (sagte → sagt,
// sagen → sag), and the German hunspell dictionary is GPL, so it cannot feed shipped tables.

/** Past-tense and present endings of weak verbs, longest first. */
const VERB_ENDINGS = ['test', 'ten', 'tet', 'te', 'st', 't', 'e'];
/** Adjective declension endings, longest first. */
const ADJECTIVE_ENDINGS = ['em', 'en', 'er', 'es', 'e'];

/**
 * form → headwords it may inflect, for lowercase forms that are not headwords themselves.
 * Only headwords with concepts count, so a rule can only lead to a known word.
 */
export function germanLemmas(forms: Iterable<string>, headwords: ReadonlyMap<string, unknown>): Map<string, string[]> {
  const lemmas = new Map<string, string[]>();
  for (const form of forms) {
    if (!/^[a-zäöüß]{4,}$/.test(form) || headwords.has(form)) continue;
    const found = new Set<string>();
    const tryVerb = (stem: string): void => {
      if (stem.length < 3) return;
      for (const infinitive of [`${stem}en`, `${stem}n`]) if (headwords.has(infinitive)) found.add(infinitive);
    };
    // Past participles of weak verbs: gesagt → sagen, evakuiert → evakuieren.
    if (form.startsWith('ge') && form.endsWith('t')) tryVerb(form.slice(2, -1));
    if (form.endsWith('iert')) tryVerb(form.slice(0, -1));
    for (const ending of VERB_ENDINGS) if (form.endsWith(ending)) tryVerb(form.slice(0, -ending.length));
    if (found.size === 0) {
      for (const ending of ADJECTIVE_ENDINGS) {
        const base = form.slice(0, -ending.length);
        if (form.endsWith(ending) && base.length >= 3 && headwords.has(base)) {
          found.add(base);
          break;
        }
      }
    }
    if (found.size > 0) lemmas.set(form, [...found]);
  }
  return lemmas;
}
