import type { Delay } from './evaluate.js';

/** `500 ms`, `2 s`, or the delay's own expression (`` `POLL_MS` ms ``) when it is not known statically. */
export function formatDelay(delay: Delay): string {
  if (delay.value !== null) {
    const ms = Math.round(delay.value * 1000) / 1000;
    return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
  }
  return `\`${shorten(delay.text ?? 'the delay', 40)}\` ms`;
}

/** One line, at most `max` characters, for quoting code in a message. */
export function shorten(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
