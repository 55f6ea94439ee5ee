// Notifications for people: VS Code shows a toast's text on one or two lines and cuts the rest, so a long message is
// split into a short first sentence for the toast (what failed, what to do) and the rest, which the extension puts
// behind a "Show Details" action (the MLShip log holds the full text).
import type { ProblemInfo } from '../registry/types';

/** Most characters a toast's text should have to be read whole (a toast is about 450 px wide, two lines). */
export const NOTICE_LIMIT = 110;

export interface Notice {
  /** The toast's text: the message when short, else its first sentence, or its start cut at a word. */
  headline: string;
  /** What the toast leaves out: the message after the first sentence, or the whole message when that was cut. */
  detail?: string;
}

/** A sentence's end: . ! or ? followed by white space and a capital, a quote, a bracket or a digit, or by the end. */
const SENTENCE_END = /[.!?](?=\s+["'“‘(`[A-Z0-9]|\s*$)/g;

/** Splits a message into a toast's headline and the detail behind "Show Details", losing nothing. */
export function splitNotice(message: string, limit = NOTICE_LIMIT): Notice {
  const text = message.trim();
  if (text.length <= limit) return { headline: text };
  SENTENCE_END.lastIndex = 0;
  const end = SENTENCE_END.exec(text);
  if (end && end.index + 1 <= limit) {
    const rest = text.slice(end.index + 1).trim();
    return rest ? { headline: text.slice(0, end.index + 1), detail: rest } : { headline: text.slice(0, end.index + 1) };
  }
  // No short first sentence: the start, cut at a word, and the whole message behind the action.
  const room = text.slice(0, limit - 1);
  const space = room.lastIndexOf(' ');
  const cut = (space > limit / 2 ? room.slice(0, space) : room).replace(/[\s,;:—-]+$/, '');
  return { headline: `${cut}…`, detail: text };
}

/** Where a problem is: its file, and `:line` when it has one. */
export function problemPlace(p: Pick<ProblemInfo, 'file' | 'line'>): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}`;
}

/** A file's problem in full, for the detail behind "Show Details": the message, its detail, the file and line. */
export function problemDetail(p: ProblemInfo): string {
  return `${p.message}${p.detail ? ` — ${p.detail}` : ''} (${problemPlace(p)})`;
}
