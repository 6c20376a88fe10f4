// Word normalisation: table keys are lowercase NFC (diacritics matter in Polish and German),
// surface features are ASCII-folded so that Pjöngjang, Pjongjang and Пхеньян can meet.

import anyAscii from 'any-ascii';

/** Lowercase NFC form: the key of the word tables. */
export function normaliseWord(word: string): string {
  return word.normalize('NFC').toLowerCase();
}

/** ASCII-folded lowercase letters and digits only (Łódź → lodz, Пхеньян → pkhenian). */
export function foldSurface(word: string): string {
  return anyAscii(word).toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Key of a name: its folded first `length` letters, which strips most case endings
 * (Blinkena/Blinken → blink, Pjongjangu/Pjöngjangs → pjong) at little risk of collisions.
 */
export function nameKey(word: string, length = 5): string {
  return foldSurface(word).slice(0, length);
}
