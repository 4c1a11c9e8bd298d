import {
  TextAnalyzer,
  type TextAnalysis,
  type TextAnalysisSettings,
} from '../../src/tasks/processors/text-analyzer.js';

const defaults: TextAnalysisSettings = {
  excludeStopWords: false,
  topWords: 20,
  wordsPerMinute: 200,
};

function analyze(text: string, settings: Partial<TextAnalysisSettings> = {}): TextAnalysis {
  const analyzer = new TextAnalyzer({ ...defaults, ...settings });
  analyzer.push(text);
  return analyzer.finish();
}

function analyzeInChunks(chunks: Iterable<string>): TextAnalysis {
  const analyzer = new TextAnalyzer(defaults);
  for (const chunk of chunks) analyzer.push(chunk);
  return analyzer.finish();
}

/** Deterministic PRNG (mulberry32), so a failing split can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* randomChunks(text: string, seed: number, maxSize: number): Generator<string> {
  const random = seededRandom(seed);
  for (let start = 0; start < text.length;) {
    const size = 1 + Math.floor(random() * maxSize);
    yield text.slice(start, start + size);
    start += size;
  }
}

function linesIn(text: string): number {
  return analyze(text).lines;
}

function* fixedChunks(text: string, size: number): Generator<string> {
  for (let start = 0; start < text.length; start += size) yield text.slice(start, start + size);
}

describe('TextAnalyzer', () => {
  const sample =
    '# Title\n\nHello world. This is a test!\nIs it? Yes...\n\n```\n# not a heading\n```\n\n' +
    'Chapter 1\nThe end';

  it('counts a small Markdown text', () => {
    const result = analyze(sample, { excludeStopWords: true, topWords: 3 });
    expect(result).toEqual({
      lines: 11,
      words: 17,
      characters: 95,
      sentences: 5,
      paragraphs: 4,
      headings: 1,
      chapters: 1,
      outline: [
        { level: 1, text: 'Title', line: 1 },
        { level: 1, text: 'Chapter 1', line: 10 },
      ],
      topWords: [
        { word: '1', count: 1 },
        { word: 'chapter', count: 1 },
        { word: 'end', count: 1 },
      ],
      averageSentenceWords: 3.4,
      readingTimeMinutes: 0.1,
      topWordsApproximate: false,
    });
  });

  it('reports nothing for empty input', () => {
    const analyzer = new TextAnalyzer(defaults);
    analyzer.push('');
    expect(analyzer.finish()).toEqual({
      lines: 0,
      words: 0,
      characters: 0,
      sentences: 0,
      paragraphs: 0,
      headings: 0,
      chapters: 0,
      outline: [],
      topWords: [],
      averageSentenceWords: 0,
      readingTimeMinutes: 0,
      topWordsApproximate: false,
    });
  });

  it('counts lines with \\n, \\r\\n and lone \\r endings', () => {
    expect(linesIn('a')).toBe(1);
    expect(linesIn('a\n')).toBe(1);
    expect(linesIn('\n')).toBe(1);
    expect(linesIn('a\n\n')).toBe(2);
    expect(linesIn('a\r\nb\rc')).toBe(3);
    expect(linesIn('a\r')).toBe(1);
    expect(linesIn('\r\n\r\n')).toBe(2);
    expect(linesIn('\n\r')).toBe(2);
  });

  it('counts characters as code points, line breaks included', () => {
    expect(analyze('a😀\r\ne\u0301').characters).toBe(6);
  });

  it('keeps inner apostrophes and hyphens inside words', () => {
    const result = analyze("Don't stop — well-known rock'n'roll isn’t 'quoted' text- a--b");
    expect(result.words).toBe(9);
    expect(result.topWords.map(({ word }) => word).sort()).toEqual([
      'a',
      'b',
      "don't",
      "isn't",
      'quoted',
      "rock'n'roll",
      'stop',
      'text',
      'well-known',
    ]);
  });

  it('treats letters and digits of any script as words, combining marks included', () => {
    const result = analyze('Café naïve cafe\u0301 Ελληνικά 日本語 42 — !!');
    expect(result.words).toBe(6);
    expect(result.topWords).toContainEqual({ word: 'cafe\u0301', count: 1 });
    expect(result.topWords).toContainEqual({ word: 'ελληνικά', count: 1 });
  });

  it.each([
    ['Really?! Yes... No', 3],
    ['Version 3.14 is out. See example.com now', 2],
    ['He said "Stop." Then he left.', 2],
    ['... . ! ?', 0],
    ['No terminator at all', 1],
    ['One.Two', 1],
    ['Ends with a question?', 1],
  ])('counts the sentences in %j as %i', (text, sentences) => {
    expect(analyze(text).sentences).toBe(sentences);
  });

  it('averages words per sentence and rounds reading time up to a tenth of a minute', () => {
    const result = analyze('a b c. d e f! g h i j?', { wordsPerMinute: 4 });
    expect(result.averageSentenceWords).toBe(3.33);
    expect(result.readingTimeMinutes).toBe(2.5);
    expect(analyze('word '.repeat(450)).readingTimeMinutes).toBe(2.3);
    expect(analyze('word '.repeat(400)).readingTimeMinutes).toBe(2);
  });

  it('counts paragraphs as blocks of non-blank lines', () => {
    expect(analyze('a\nb\n\n\n c\n \t\nd\n').paragraphs).toBe(3);
    expect(analyze('\n\n  \n').paragraphs).toBe(0);
  });

  it('finds ATX and setext headings, but not inside fenced code', () => {
    const text = [
      '## Closing hashes ##',
      '#hashtag',
      '####### seven',
      '    # indented code',
      '~~~',
      '# no',
      '```',
      '# still no',
      '~~~',
      'Title',
      '=====',
      '',
      'Subtitle',
      '---',
      '',
      '---',
      '- list item',
      '---',
      '###### Six',
    ].join('\n');
    const result = analyze(text);
    expect(result.headings).toBe(4);
    expect(result.outline).toEqual([
      { level: 2, text: 'Closing hashes', line: 1 },
      { level: 1, text: 'Title', line: 10 },
      { level: 2, text: 'Subtitle', line: 13 },
      { level: 6, text: 'Six', line: 19 },
    ]);
  });

  it('finds chapter lines, case-insensitively, at the start of a line', () => {
    const text = [
      'Chapter 1',
      'CHAPTER XII. The Return',
      '  Chapter One: Beginnings',
      'chapter twenty-one',
      '# Chapter 5',
      'Chapters of life',
      'The chapter 2 of it',
      'Chapter ahead',
    ].join('\n');
    const result = analyze(text);
    expect(result.chapters).toBe(5);
    expect(result.headings).toBe(1);
    expect(result.outline).toEqual([
      { level: 1, text: 'Chapter 1', line: 1 },
      { level: 1, text: 'CHAPTER XII. The Return', line: 2 },
      { level: 1, text: 'Chapter One: Beginnings', line: 3 },
      { level: 1, text: 'chapter twenty-one', line: 4 },
      { level: 1, text: 'Chapter 5', line: 5 },
    ]);
  });

  it('keeps only the first 100 outline entries but counts them all', () => {
    const text = Array.from({ length: 150 }, (_, i) => `# Heading ${i}`).join('\n');
    const result = analyze(text);
    expect(result.headings).toBe(150);
    expect(result.outline).toHaveLength(100);
    expect(result.outline[99]).toEqual({ level: 1, text: 'Heading 99', line: 100 });
  });

  it('leaves stop words out of topWords only when asked', () => {
    const text = 'The cat and the dog. The cat sat. Don’t!';
    expect(analyze(text, { excludeStopWords: true }).topWords).toEqual([
      { word: 'cat', count: 2 },
      { word: 'dog', count: 1 },
      { word: 'sat', count: 1 },
    ]);
    expect(analyze(text, { topWords: 3 }).topWords).toEqual([
      { word: 'the', count: 3 },
      { word: 'cat', count: 2 },
      { word: 'and', count: 1 },
    ]);
    expect(analyze(text, { excludeStopWords: true }).words).toBe(9);
  });

  it('gives the same result however the input is split into chunks', () => {
    const text =
      '# Intro\r\n\r\nIt\'s a well-known fact.  Really?!\rYes... "Quoted." 3.14 e\u0301te\u0301 😀 ok\n' +
      'Title\n=====\n\n```js\n# code\n```\nCHAPTER IV\n\n' +
      'Ελληνικά, 日本語!  don’t stop-\nnow – ok.\r\n\r\n\r\nlast words';
    const whole = analyze(text);
    expect(whole.headings).toBe(2);
    expect(whole.chapters).toBe(1);
    expect(analyzeInChunks(fixedChunks(text, 1))).toEqual(whole);
    expect(analyzeInChunks(Array.from(text))).toEqual(whole);
    for (let seed = 1; seed <= 50; seed++) {
      expect(analyzeInChunks(randomChunks(text, seed, 12))).toEqual(whole);
    }
  });

  it('handles a 10 MB line of words without keeping it', () => {
    const line = `# ${'word '.repeat(2 * 1024 * 1024)}`;
    const result = analyzeInChunks(fixedChunks(line, 64 * 1024));
    expect(result.lines).toBe(1);
    expect(result.words).toBe(2 * 1024 * 1024);
    expect(result.characters).toBe(line.length);
    expect(result.sentences).toBe(1);
    expect(result.headings).toBe(1);
    expect(result.outline[0].text.length).toBeLessThanOrEqual(200);
    expect(result.topWords).toEqual([{ word: 'word', count: 2 * 1024 * 1024 }]);
  });

  it('counts a 10 MB word once, tallied under a bounded key', () => {
    const result = analyzeInChunks(fixedChunks('x'.repeat(10 * 1024 * 1024), 100_000));
    expect(result.words).toBe(1);
    expect(result.lines).toBe(1);
    expect(result.topWords).toEqual([{ word: 'x'.repeat(100), count: 1 }]);
  });

  it('caps the distinct words, keeps the frequent ones, and says the tally is approximate', () => {
    const analyzer = new TextAnalyzer({ ...defaults, topWords: 2 });
    for (let i = 0; i < 120_000; i++) analyzer.push(i % 10 === 0 ? `common w${i} ` : `w${i} `);
    const result = analyzer.finish();
    expect(result.words).toBe(132_000);
    expect(result.topWordsApproximate).toBe(true);
    expect(result.topWords[0]).toEqual({ word: 'common', count: 12_000 });
    expect(result.topWords[1].count).toBe(1);

    expect(analyze('a b c a').topWordsApproximate).toBe(false);
  });

  it('returns the same result from repeated finish() and refuses more input', () => {
    const analyzer = new TextAnalyzer(defaults);
    analyzer.push('Hello');
    const first = analyzer.finish();
    expect(analyzer.finish()).toBe(first);
    expect(() => analyzer.push('more')).toThrow(/after finish/);
  });

  it('rejects unusable settings', () => {
    expect(() => new TextAnalyzer({ ...defaults, wordsPerMinute: 0 })).toThrow(RangeError);
    expect(() => new TextAnalyzer({ ...defaults, topWords: -1 })).toThrow(RangeError);
    expect(analyze('a b', { topWords: 0 }).topWords).toEqual([]);
  });
});
