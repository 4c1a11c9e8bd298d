import { Injectable } from '@nestjs/common';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  TaskProcessor,
  type TaskContext,
  type TaskProcessorHandler,
} from '../task-processor.decorator.js';
import { decodeText, TEXT_ENCODINGS, type TextEncoding } from './text-input.js';
import { type TextAnalysis, TextAnalyzer } from './text-analyzer.js';

export class TextAnalyzeOptions {
  /** Leave common English words ("the", "and", …) out of the top words. */
  @IsOptional()
  @IsBoolean()
  excludeStopWords: boolean = true;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  topWords: number = 20;

  /** Reading speed for the reading time. */
  @IsOptional()
  @IsInt()
  @Min(50)
  @Max(2000)
  wordsPerMinute: number = 200;

  @IsOptional()
  @IsIn(TEXT_ENCODINGS)
  encoding: TextEncoding = 'utf8';
}

/** Counts lines, words, sentences, paragraphs, headings, top words, reading time; streaming. */
@Injectable()
@TaskProcessor('text.analyze', {
  input: 'file',
  options: TextAnalyzeOptions,
  mediaTypes: ['text/plain', 'text/markdown'],
})
export class TextAnalyzeProcessor implements TaskProcessorHandler<TextAnalyzeOptions> {
  async process(task: TaskContext<TextAnalyzeOptions>): Promise<TextAnalysis & { bytes: number }> {
    const { options } = task;
    const file = task.file!;
    const analyzer = new TextAnalyzer({
      excludeStopWords: options.excludeStopWords,
      topWords: options.topWords,
      wordsPerMinute: options.wordsPerMinute,
    });
    const onBytes = (read: number): void =>
      task.progress(
        file.size ? (read * 100) / file.size : 100,
        `${read} of ${file.size} bytes read`,
      );
    const text = decodeText(await file.open(), options.encoding, onBytes, () => file.open());
    for await (const part of text) {
      task.signal.throwIfAborted();
      analyzer.push(part);
    }
    return { ...analyzer.finish(), bytes: file.size };
  }
}
