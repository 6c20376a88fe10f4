import { describe, expect, it } from 'vitest';
import { stripTitleSource } from '../../../src/embed/lexical/title.js';

describe('stripping outlet names from titles', () => {
  it('drops an outlet name after a bar or a dash', () => {
    expect(stripTitleSource('Trump expects 100,000 deaths in the US | Tiroler Tageszeitung Online')).toBe('Trump expects 100,000 deaths in the US');
    expect(stripTitleSource('Skater de 13 anos conquista o ouro - SAPO Desporto')).toBe('Skater de 13 anos conquista o ouro');
  });

  it('drops a domain and up to two stacked tails', () => {
    expect(stripTitleSource('Slovenci so odprli igre - Celje.info')).toBe('Slovenci so odprli igre');
    expect(stripTitleSource('Brasil vence no vôlei feminino - Esportes - Estadão')).toBe('Brasil vence no vôlei feminino');
  });

  it('keeps a tail in sentence case, which is part of the headline', () => {
    expect(stripTitleSource('Youngest skateboard champion crowned - at 13!')).toBe('Youngest skateboard champion crowned - at 13!');
    expect(stripTitleSource('Олимпиада в Токио - НОК сделал прогноз')).toBe('Олимпиада в Токио - НОК сделал прогноз');
  });

  it('keeps a title that would be too short without its tail', () => {
    expect(stripTitleSource('Olympics - Day One')).toBe('Olympics - Day One');
  });

  it('leaves titles without a tail alone', () => {
    expect(stripTitleSource('Tokyo Olympics: Opening ceremony live blog, updates')).toBe('Tokyo Olympics: Opening ceremony live blog, updates');
  });
});
