// Polish lemmas from hunspell-pl (`hunspell -d pl_PL -s`), precomputed for the forms the
// build knows so the runtime needs no hunspell.

import { execFileSync } from 'node:child_process';

/** form → lemmas (lowercased), for every form hunspell can analyse. */
export function polishLemmas(forms: Iterable<string>): Map<string, string[]> {
  // hunspell-pl reads ISO 8859-2: forms with other characters cannot be Polish words anyway.
  const list = [...forms].filter((form) => /^[a-ząćęłńóśźż]+$/.test(form));
  const output = execFileSync('hunspell', ['-d', 'pl_PL', '-s', '-i', 'utf-8'], {
    input: list.join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const lemmas = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const [form, lemma] = line.split(' ');
    if (!form || !lemma) continue;
    const key = form.toLowerCase();
    const value = lemma.toLowerCase();
    const known = lemmas.get(key);
    if (!known) lemmas.set(key, [value]);
    else if (!known.includes(value)) known.push(value);
  }
  return lemmas;
}
