import { describe, expect, it } from 'vitest';
import { checkArticleCollection, cleanArticleText, MAX_ID_CHARS, MAX_TEXT_CHARS, normalizeArticle, normalizeArticles, splitTitleAndBody } from '../src/article.js';
import { DuplicateIdError, InvalidArticleError, InvalidOptionsError } from '../src/errors.js';

describe('normalizeArticle', () => {
  it('keeps the fields of a valid article and parses the date', () => {
    const article = normalizeArticle({
      id: 'a1',
      title: ' Flood on the Oder ',
      text: 'The river rose by two metres overnight.',
      lang: 'EN',
      publishedAt: '2026-03-02T10:00:00Z',
      source: 'example',
    });
    expect(article).toEqual({
      id: 'a1',
      title: 'Flood on the Oder',
      text: 'The river rose by two metres overnight.',
      lang: 'en',
      publishedAt: Date.parse('2026-03-02T10:00:00Z'),
      source: 'example',
    });
  });

  it('accepts an article that has only a headline', () => {
    expect(normalizeArticle({ id: 'h', title: 'Biles withdraws from final', text: '' }).title).toBe('Biles withdraws from final');
  });

  it.each([
    [null, /must be an object/],
    ['text', /must be an object/],
    [{ text: 'x' }, /'id' must be a non-empty string/],
    [{ id: '  ', text: 'x' }, /'id' must be a non-empty string/],
    [{ id: 'a' }, /'text' must be a string/],
    [{ id: 'a', text: 42 }, /'text' must be a string/],
    [{ id: 'a', text: '   \n\t ' }, /has no text/],
    [{ id: 'a', text: '... --- !!!' }, /has no text/],
    [{ id: 'a', text: 'ok', title: 5 }, /'title' must be a string/],
    [{ id: 'a', text: 'ok', lang: 'Polish' }, /ISO 639/],
    [{ id: 'a', text: 'ok', publishedAt: 'yesterday-ish' }, /not a valid date/],
    [{ id: 'a', text: 'ok', publishedAt: {} }, /publishedAt/],
  ])('rejects %j with a typed error', (input, message) => {
    expect(() => normalizeArticle(input)).toThrow(InvalidArticleError);
    expect(() => normalizeArticle(input)).toThrow(message);
  });

  it('truncates a long text at a character boundary', () => {
    const text = 'a'.repeat(MAX_TEXT_CHARS - 1) + '😀' + 'b'.repeat(1000);
    const article = normalizeArticle({ id: 'long', text });
    expect(article.text).toBe('a'.repeat(MAX_TEXT_CHARS - 1));
    expect(normalizeArticle({ id: 'short', text: 'abcdef' }, { maxTextChars: 3 }).text).toBe('abc');
    expect(() => normalizeArticle({ id: 'x', text: 'abc' }, { maxTextChars: 0 })).toThrow(InvalidOptionsError);
  });

  it('turns HTML into text and lone surrogates into U+FFFD', () => {
    const article = normalizeArticle({ id: 'h', title: 'Floods &amp; fires', text: '<p>Bridges\uD800 closed.</p><script>track()</script>' });
    expect(article).toEqual({ id: 'h', title: 'Floods & fires', text: 'Bridges\uFFFD closed.' });
  });

  it.each([
    [{ id: 'x'.repeat(MAX_ID_CHARS + 1), text: 'ok' }, /at most 2048/],
    [{ id: 'a\u0000b', text: 'ok' }, /control characters/],
    [{ id: '\uDC00', text: 'ok' }, /lone surrogates/],
    [{ id: 'a', text: 'ok', publishedAt: 8.64e15 + 1 }, /not a valid date/],
    [{ id: 'a', text: 'ok', publishedAt: '+275760-09-14T00:00:00Z' }, /not a valid date/],
    [{ id: 'a', text: '🔥🔥 👍' }, /has no text/],
    [{ id: 'a', text: '<script>only()</script>' }, /has no text/],
  ])('rejects odd input %# with a typed error', (input, message) => {
    expect(() => normalizeArticle(input)).toThrow(InvalidArticleError);
    expect(() => normalizeArticle(input)).toThrow(message);
  });

  it('turns an object whose fields throw into a typed error', () => {
    const hostile = { get id(): string { throw new Error('getter exploded'); }, text: 'ok' };
    expect(() => normalizeArticle(hostile)).toThrow(InvalidArticleError);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => normalizeArticle(proxy)).toThrow(InvalidArticleError);
  });

  it('names the article in the error', () => {
    try {
      normalizeArticle({ id: 'bad-one', text: '' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArticleError);
      expect((error as InvalidArticleError).code).toBe('INVALID_ARTICLE');
      expect((error as InvalidArticleError).articleId).toBe('bad-one');
    }
  });
});

describe('normalizeArticles', () => {
  it('rejects an id repeated in one batch', () => {
    expect(() => normalizeArticles([{ id: 'x', text: 'a' }, { id: 'x', text: 'b' }])).toThrow(DuplicateIdError);
  });

  it('rejects an id that is already known', () => {
    expect(() => normalizeArticles([{ id: 'x', text: 'a' }], new Set(['x']))).toThrow(DuplicateIdError);
  });
});

describe('checkArticleCollection', () => {
  it('accepts arrays, iterables and async iterables', async () => {
    async function* stream() {
      yield { id: 'a', text: 'x' };
    }
    for (const value of [[], new Set(), stream(), new Map().values()]) expect(() => checkArticleCollection(value)).not.toThrow();
  });

  it.each([
    [null, /got null/],
    [undefined, /got undefined/],
    [42, /got number/],
    ['text', /got a string/],
    [{ id: 'a', text: 'x' }, /pass \[article\]/],
  ])('rejects %j with a typed error', (value, message) => {
    expect(() => checkArticleCollection(value)).toThrow(InvalidArticleError);
    expect(() => checkArticleCollection(value)).toThrow(message);
  });
});

describe('cleanArticleText', () => {
  it('drops advertising and read-also lines in several languages', () => {
    const text = ['Erster Absatz.', 'WERBUNG', 'Zweiter Absatz.', 'Werbung schließen', 'Czytaj też: inny tekst', 'Read more: elsewhere', 'Lesen Sie auch: Anderes'].join('\n');
    expect(cleanArticleText(text)).toBe('Erster Absatz.\nZweiter Absatz.');
  });

  it('removes a headline the scraper repeated', () => {
    const title = 'NATO-Chef warnt vor Naivität';
    const text = `${title}\n\n${title}\n${title}\n-\n\nDer Text beginnt hier.`;
    expect(cleanArticleText(text, title)).toBe('Der Text beginnt hier.');
  });

  it('keeps long paragraphs even when they repeat', () => {
    const paragraph = 'x'.repeat(250);
    expect(cleanArticleText(`${paragraph}\n${paragraph}`)).toBe(`${paragraph}\n${paragraph}`);
  });
});

describe('splitTitleAndBody', () => {
  it('takes the first non-empty line as the title', () => {
    expect(splitTitleAndBody('\n\nHeadline\nBody one.\nBody two.')).toEqual({ title: 'Headline', text: 'Body one.\nBody two.' });
  });
});
