/** A fenced code block of a Markdown file. */
export interface Fence {
  /** The info string's language (`js`, `ts`, `sh`…), or '' for a bare fence. */
  lang: string;
  /** The block's text, ending with a newline. */
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The text of the nearest heading above the block (any level). */
  heading: string;
}

/** Every fenced block of `markdown` (``` fences at the start of a line), in order. */
export function fences(markdown: string): Fence[] {
  const blocks: Fence[] = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) {
      const title = /^#{1,6} (.*)$/.exec(lines[i]!);
      if (title) heading = title[1]!.trim();
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    if (i === lines.length) throw new Error(`unclosed code fence at line ${start + 1}`);
    blocks.push({ lang: open[1]!, code: `${body.join('\n')}\n`, line: start + 1, heading });
  }
  return blocks;
}
