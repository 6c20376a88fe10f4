// Snowball stemmers for the lexicon build. multilingual-stemmer declares Node >= 22 (it runs on
// Node 20) and nothing but this build uses it, so it is no devDependency, where `npm ci` would
// warn every newcomer about the engine: `npm run build:lexicon` installs it (unsaved) first.

/** Stem of `word` in the language with ISO 639-1 code `lang`. */
export type Stem = (lang: string, word: string) => string;

const STEMMER_PACKAGE: string = 'multilingual-stemmer';

async function loadStemmer(): Promise<Stem> {
  try {
    return ((await import(STEMMER_PACKAGE)) as { stem: Stem }).stem;
  } catch (error) {
    throw new Error(
      `${STEMMER_PACKAGE} is not installed; \`npm run build:lexicon\` installs it before building (${(error as Error).message})`,
      { cause: error },
    );
  }
}

export const stem: Stem = await loadStemmer();
