import { ENGLISH_STOP_WORDS } from './stop-words.js';

export interface TextAnalysisSettings {
  /** Leave common English stop words ("the", "and", …) out of topWords. */
  excludeStopWords: boolean;
  /** How many top words to report (default 20 at the caller). */
  topWords: number;
  /** Reading speed for readingTimeMinutes. */
  wordsPerMinute: number;
}

export interface TextHeading {
  level: number;
  text: string;
  line: number;
}

export interface TextAnalysis {
  lines: number;
  words: number;
  /** Unicode code points, whitespace and line breaks included. */
  characters: number;
  sentences: number;
  paragraphs: number;
  /** Markdown ATX and setext headings outside fenced code blocks. */
  headings: number;
  /** Lines (or heading texts) starting "Chapter 1", "CHAPTER XII", "Chapter One", … */
  chapters: number;
  /** The first OUTLINE_LIMIT headings and chapters, in order; plain chapter lines have level 1. */
  outline: TextHeading[];
  /** Lowercased; by count descending, then word ascending. */
  topWords: { word: string; count: number }[];
  averageSentenceWords: number;
  readingTimeMinutes: number;
  /** The distinct-word cap was hit, so rare words were dropped and some counts may be low. */
  topWordsApproximate: boolean;
}

/** Only the start of a line is kept: enough to recognise headings, whatever the line's length. */
const LINE_HEAD_LIMIT = 200;
/** Longer words are counted, but tallied under their first WORD_LIMIT code points. */
const WORD_LIMIT = 100;
const DISTINCT_WORD_CAP = 50_000;
const OUTLINE_LIMIT = 100;

const WORD = 0;
const MARK = 1;
const SPACE = 2;
const OTHER = 3;
type CharKind = typeof WORD | typeof MARK | typeof SPACE | typeof OTHER;

const ASCII_KINDS: readonly CharKind[] = Array.from({ length: 128 }, (_, code) => {
  const ch = String.fromCharCode(code);
  return /[A-Za-z0-9]/.test(ch) ? WORD : /\s/.test(ch) ? SPACE : OTHER;
});

function classify(ch: string): CharKind {
  const code = ch.charCodeAt(0);
  if (code < 128) return ASCII_KINDS[code];
  if (/[\p{L}\p{N}]/u.test(ch)) return WORD;
  if (/\p{M}/u.test(ch)) return MARK;
  return /\s/u.test(ch) ? SPACE : OTHER;
}

/** Allowed inside a word (don't, well-known), and tallied as a plain apostrophe or hyphen. */
const APOSTROPHES: ReadonlySet<string> = new Set("'\u2019");
const HYPHENS: ReadonlySet<string> = new Set('-\u2010\u2011');
const TERMINATORS: ReadonlySet<string> = new Set(['.', '!', '?', '\u2026']);
/** May sit between a terminator and the whitespace that confirms it: `"Stop!" he said.` */
const CLOSERS: ReadonlySet<string> = new Set('"\')]}*_`\u2019\u201d\u00bb');

const NUMBER_WORDS =
  'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|' +
  'sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred';
const CHAPTER = new RegExp(
  `^chapter\\s+(?:\\d+|[ivxlcdm]+|(?:${NUMBER_WORDS})(?:[-\\s](?:${NUMBER_WORDS}))*)(?![\\p{L}\\p{N}])`,
  'iu',
);
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:={3,}|-{3,})[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const CLOSING_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
/** Lines that cannot be the text of a setext heading: indented code, list items, block quotes. */
const NOT_SETEXT_TEXT = /^(?: {4}|\t|\s*(?:[-*+>]|\d+[.)])(?:\s|$))/;

/** Markdown structure, fed one line head at a time. */
class OutlineScanner {
  headings = 0;
  chapters = 0;
  readonly outline: TextHeading[] = [];
  private fence: string | undefined;
  private setextText: { text: string; line: number } | undefined;

  scanLine(head: string, line: number): void {
    const setextText = this.setextText;
    this.setextText = undefined;
    if (this.fence !== undefined) {
      const closing = CLOSING_FENCE.exec(head)?.[1];
      if (closing?.[0] === this.fence[0] && closing.length >= this.fence.length) {
        this.fence = undefined;
      }
      return;
    }
    const fence = FENCE.exec(head)?.[1];
    if (fence !== undefined) {
      this.fence = fence;
      return;
    }
    const atx = ATX_HEADING.exec(head);
    if (atx) return this.add(atx[1].length, (atx[2] ?? '').trim(), line, true);
    if (setextText && SETEXT_UNDERLINE.test(head)) {
      return this.add(head.trim().startsWith('=') ? 1 : 2, setextText.text, setextText.line, true);
    }
    const text = head.trim();
    if (CHAPTER.test(text)) return this.add(1, text, line, false);
    if (text !== '' && !NOT_SETEXT_TEXT.test(head)) this.setextText = { text, line };
  }

  private add(level: number, text: string, line: number, heading: boolean): void {
    const chapter = CHAPTER.test(text);
    if (heading) this.headings++;
    if (chapter) this.chapters++;
    if ((heading || chapter) && this.outline.length < OUTLINE_LIMIT) {
      this.outline.push({ level, text, line });
    }
  }
}

/** Word counts, holding at most DISTINCT_WORD_CAP distinct words. */
class WordTally {
  approximate = false;
  private readonly counts = new Map<string, number>();

  constructor(private readonly stopWords: ReadonlySet<string>) {}

  add(word: string): void {
    if (this.stopWords.has(word)) return;
    const count = this.counts.get(word);
    if (count !== undefined) {
      this.counts.set(word, count + 1);
      return;
    }
    if (this.counts.size >= DISTINCT_WORD_CAP) this.prune();
    this.counts.set(word, 1);
  }

  top(limit: number): { word: string; count: number }[] {
    return [...this.counts]
      .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
      .slice(0, limit)
      .map(([word, count]) => ({ word, count }));
  }

  /**
   * Drops every word whose count is at or below the lowest quartile. Freeing a quarter of the map at
   * once (rather than just the minimum) keeps pruning rare, so its cost stays amortised O(1).
   */
  private prune(): void {
    const sorted = Float64Array.from(this.counts.values()).sort();
    const threshold = sorted[Math.floor(sorted.length / 4)];
    for (const [word, count] of this.counts) {
      if (count <= threshold) this.counts.delete(word);
    }
    this.approximate = true;
  }
}

/**
 * Streaming text statistics: memory stays bounded whatever the input, and the result does not
 * depend on how the text is split into chunks.
 */
export class TextAnalyzer {
  private readonly outline = new OutlineScanner();
  private readonly tally: WordTally;
  private result: TextAnalysis | undefined;
  private pendingHighSurrogate = '';
  private characters = 0;

  private lines = 0;
  private paragraphs = 0;
  private lineHead = '';
  private lineHeadLength = 0;
  private lineBlank = true;
  private previousLineBlank = true;
  private afterCarriageReturn = false;

  private words = 0;
  private word = '';
  private wordLength = 0;
  private pendingJoiner = '';

  private sentences = 0;
  private sentenceHasWords = false;
  private terminatorPending = false;

  constructor(private readonly settings: TextAnalysisSettings) {
    if (!Number.isInteger(settings.topWords) || settings.topWords < 0) {
      throw new RangeError(`topWords must be a non-negative integer, got ${settings.topWords}`);
    }
    if (!Number.isFinite(settings.wordsPerMinute) || settings.wordsPerMinute <= 0) {
      throw new RangeError(`wordsPerMinute must be positive, got ${settings.wordsPerMinute}`);
    }
    this.tally = new WordTally(settings.excludeStopWords ? ENGLISH_STOP_WORDS : new Set());
  }

  push(chunk: string): void {
    if (this.result) throw new Error('TextAnalyzer.push() called after finish()');
    let text = this.pendingHighSurrogate + chunk;
    this.pendingHighSurrogate = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.pendingHighSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    for (const ch of text) this.consume(ch);
  }

  finish(): TextAnalysis {
    if (this.result) return this.result;
    if (this.pendingHighSurrogate) this.consume(this.pendingHighSurrogate);
    this.endWord();
    if (this.sentenceHasWords) this.sentences++;
    if (this.lineHeadLength > 0) this.endLine();
    const { words, sentences, settings } = this;
    this.result = {
      lines: this.lines,
      words,
      characters: this.characters,
      sentences,
      paragraphs: this.paragraphs,
      headings: this.outline.headings,
      chapters: this.outline.chapters,
      outline: this.outline.outline,
      topWords: this.tally.top(settings.topWords),
      averageSentenceWords: sentences === 0 ? 0 : Math.round((words / sentences) * 100) / 100,
      // Integer numerator, so an exact quotient is not pushed up by floating-point error.
      readingTimeMinutes: Math.ceil((words * 10) / settings.wordsPerMinute) / 10,
      topWordsApproximate: this.tally.approximate,
    };
    return this.result;
  }

  private consume(ch: string): void {
    this.characters++;
    const kind = classify(ch);
    this.scanWord(ch, kind);
    this.scanSentence(ch, kind);
    if (ch === '\n' || ch === '\r') {
      if (ch === '\r' || !this.afterCarriageReturn) this.endLine();
      this.afterCarriageReturn = ch === '\r';
      return;
    }
    this.afterCarriageReturn = false;
    if (kind !== SPACE) this.lineBlank = false;
    if (this.lineHeadLength < LINE_HEAD_LIMIT) {
      this.lineHead += ch;
      this.lineHeadLength++;
    }
  }

  private scanWord(ch: string, kind: CharKind): void {
    if (kind === WORD || (kind === MARK && this.wordLength > 0 && !this.pendingJoiner)) {
      if (this.pendingJoiner) {
        this.appendToWord(this.pendingJoiner);
        this.pendingJoiner = '';
      } else if (this.wordLength === 0) {
        this.sentenceHasWords = true;
      }
      this.appendToWord(ch);
      return;
    }
    const joiner = APOSTROPHES.has(ch) ? "'" : HYPHENS.has(ch) ? '-' : '';
    if (joiner && this.wordLength > 0 && !this.pendingJoiner) this.pendingJoiner = joiner;
    else this.endWord();
  }

  private appendToWord(ch: string): void {
    if (this.wordLength < WORD_LIMIT) this.word += ch;
    this.wordLength++;
  }

  private endWord(): void {
    this.pendingJoiner = '';
    if (this.wordLength === 0) return;
    this.words++;
    this.tally.add(this.word.toLowerCase());
    this.word = '';
    this.wordLength = 0;
  }

  private scanSentence(ch: string, kind: CharKind): void {
    if (TERMINATORS.has(ch)) {
      if (this.sentenceHasWords) this.terminatorPending = true;
    } else if (kind === SPACE) {
      if (this.terminatorPending) {
        this.sentences++;
        this.sentenceHasWords = false;
        this.terminatorPending = false;
      }
    } else if (!CLOSERS.has(ch)) {
      this.terminatorPending = false;
    }
  }

  private endLine(): void {
    // A byte-order mark is not part of the first line's text.
    const head = this.lines === 0 ? this.lineHead.replace(/^\uFEFF/, '') : this.lineHead;
    this.lines++;
    if (!this.lineBlank && this.previousLineBlank) this.paragraphs++;
    this.previousLineBlank = this.lineBlank;
    this.outline.scanLine(head, this.lines);
    this.lineHead = '';
    this.lineHeadLength = 0;
    this.lineBlank = true;
  }
}
